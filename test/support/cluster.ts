import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import request from 'supertest';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { startApi, testConfig } from './app';
import { createTestDatabase, type TestDatabase } from './test-database';

// A deployment in one jest process: several apis (no background work) and several
// workers (subscriptions, timers) on one database, one Redis prefix and one documents
// directory, as separate processes would share them. A request may go to any api.

export interface ClusterOptions {
  apis?: number;
  workers?: number;
  env?: NodeJS.ProcessEnv;
}

export class Cluster {
  private constructor(
    readonly apis: INestApplication[],
    readonly workers: TestingModule[],
    readonly db: TestDatabase,
    private readonly documentsRoot: string,
  ) {}

  static async start({ apis = 2, workers = 2, env = {} }: ClusterOptions = {}): Promise<Cluster> {
    const db = await createTestDatabase();
    const documentsRoot = await mkdtemp(join(tmpdir(), 'shiming-documents-'));
    // One configuration, hence one queue prefix, for every process.
    const config = testConfig(db.url, { SANDBOX: 'true', DOCUMENTS_ROOT: documentsRoot, ...env });
    const started: INestApplication[] = [];
    for (let i = 0; i < apis; i++) {
      const app = await startApi(config);
      // Listening, so that a burst of requests shares one server per api.
      await app.listen(0, '127.0.0.1');
      started.push(app);
    }
    const running: TestingModule[] = [];
    for (let i = 0; i < workers; i++) {
      const worker = await Test.createTestingModule({
        imports: [WorkerModule.forRoot(config)],
      }).compile();
      worker.useLogger(false);
      await worker.init();
      running.push(worker);
    }
    return new Cluster(started, running, db, documentsRoot);
  }

  /** The `i`-th api (modulo their number), to spread requests over them. */
  http(i: number) {
    return request(this.apis[i % this.apis.length].getHttpServer());
  }

  async token(sub: string, roles: string[]): Promise<string> {
    const response = await this.http(0).post('/v1/sandbox/tokens').send({ sub, roles }).expect(201);
    return response.body.token as string;
  }

  newAccountId(): string {
    return `acct-${randomBytes(6).toString('hex')}`;
  }

  async stop(): Promise<void> {
    for (const worker of this.workers) await worker.close();
    for (const app of this.apis) await app.close();
    await this.db?.drop();
    await rm(this.documentsRoot, { recursive: true, force: true });
  }
}
