import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { Client } from 'pg';
import request from 'supertest';
import { applicationMigrations } from '../../apps/shared/migrations';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { startApi, testConfig } from '../support/app';
import { adminUrl, databaseUrl } from '../support/test-database';

// A deploy on a new database starts the api and the worker at once: both create the
// database (one of them sees 42P04 or 23505) and both migrate it (one waits for the
// other's lock). Neither may crash, ten times over.
describe('outages: api and worker started together on a database that does not exist', () => {
  const TRIES = 10;
  const created: string[] = [];

  afterAll(async () => {
    const admin = new Client({ connectionString: adminUrl() });
    await admin.connect();
    try {
      for (const name of created) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  });

  async function startWorker(config: ReturnType<typeof testConfig>): Promise<TestingModule> {
    const worker = await Test.createTestingModule({
      imports: [WorkerModule.forRoot(config)],
    }).compile();
    worker.useLogger(false);
    await worker.init();
    return worker;
  }

  it(`starts both, and migrates once, ${TRIES} times in a row`, async () => {
    for (let attempt = 1; attempt <= TRIES; attempt++) {
      const name = `shiming_test_start_${randomBytes(5).toString('hex')}`;
      created.push(name);
      const config = testConfig(databaseUrl(name));
      const [api, worker] = await Promise.allSettled([startApi(config), startWorker(config)]);
      try {
        expect({ attempt, api: api.status, worker: worker.status }).toEqual({
          attempt,
          api: 'fulfilled',
          worker: 'fulfilled',
        });
        const app = (api as PromiseFulfilledResult<INestApplication>).value;
        await request(app.getHttpServer()).get('/health/ready').expect(200);
        expect(await migrationsRun(databaseUrl(name))).toEqual({
          rows: applicationMigrations.length,
          distinct: applicationMigrations.length,
        });
      } finally {
        if (worker.status === 'fulfilled') await worker.value.close();
        if (api.status === 'fulfilled') await api.value.close();
      }
    }
  }, 300_000);
});

async function migrationsRun(url: string): Promise<{ rows: number; distinct: number }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ rows: number; distinct: number }>(
      'SELECT count(*)::int AS rows, count(DISTINCT name)::int AS distinct FROM schema_migrations',
    );
    return rows[0];
  } finally {
    await client.end();
  }
}
