import { Controller, INestApplication, Post } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { InjectDataSource } from '@nestjs/typeorm';
import { Logger } from 'nestjs-pino';
import { Writable } from 'node:stream';
import request from 'supertest';
import { DataSource, QueryFailedError } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../../../../test/support/test-database';
import { loadConfig } from '../config/config';
import { ConfigModule } from '../config/config.module';
import { dataSourceOptions } from '../database/bootstrap';
import { DatabaseModule } from '../database/database.module';
import { SafeTypeOrmLogger } from '../database/safe-typeorm-logger';
import { ProblemDetailsFilter } from '../errors';
import { commonMigrations } from '../migrations';
import { LoggingModule } from './logging.module';

// Personal values a failing statement carries: as parameters, in PostgreSQL's
// `detail` of a unique or not-null violation, and quoted in a data exception.
const MOBILE = '13912345678';
const CARD = '6222021234567890123';
const NAME = '张三丰';

@Controller('probe')
class ProbeController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @Post('duplicate')
  async duplicate() {
    await this.db.query(`INSERT INTO log_probe (mobile, name) VALUES ($1, $2)`, [MOBILE, NAME]);
  }

  @Post('not-null')
  async notNull() {
    await this.db.query(`INSERT INTO log_probe (mobile, name) VALUES ($1, $2)`, [CARD, null]);
  }

  @Post('out-of-range')
  async outOfRange() {
    await this.db.query(`SELECT $1::int AS n, $2::text AS name`, [CARD, NAME]);
  }

  @Post('bad-number')
  async badNumber() {
    await this.db.query(`SELECT $1::int AS n`, [NAME]);
  }
}

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { stream, lines, text: () => lines.join('') };
}

describe('a failed query in the logs', () => {
  let db: TestDatabase;
  let app: INestApplication;
  const output = capture();

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: db.url, LOG_LEVEL: 'info' });
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot({ migrations: commonMigrations }),
        LoggingModule.forRoot(config, output.stream),
      ],
      controllers: [ProbeController],
    }).compile();
    app = moduleRef.createNestApplication({ bufferLogs: true });
    app.useLogger(app.get(Logger));
    app.useGlobalFilters(new ProblemDetailsFilter());
    await app.init();
    const dataSource = app.get(DataSource);
    await dataSource.query(`CREATE TABLE log_probe (mobile text PRIMARY KEY, name text NOT NULL)`);
    await dataSource.query(`INSERT INTO log_probe (mobile, name) VALUES ($1, $2)`, [MOBILE, NAME]);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('logs the failure of each request, with no value of its statement', async () => {
    for (const path of ['duplicate', 'not-null', 'out-of-range', 'bad-number']) {
      const response = await request(app.getHttpServer()).post(`/probe/${path}`).expect(500);
      expect(response.text).not.toContain(MOBILE);
    }
    const failures = output.lines
      .map((line) => JSON.parse(line) as { context?: string; err?: { code?: string } })
      .filter((line) => line.context === 'ProblemDetailsFilter');
    expect(failures.map((line) => line.err?.code)).toEqual(['23505', '23502', '22003', '22P02']);
    const text = output.text();
    expect(text).toContain('log_probe_pkey');
    for (const value of [MOBILE, CARD, NAME]) expect(text).not.toContain(value);
  });

  it('leaves no value in the error itself, where anything else might print it', async () => {
    const failure = await app
      .get(DataSource)
      .query(`INSERT INTO log_probe (mobile, name) VALUES ($1, $2)`, [MOBILE, NAME])
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(QueryFailedError);
    const error = failure as QueryFailedError & {
      detail?: string;
      driverError: { detail?: string };
    };
    expect(error.detail).toBeUndefined();
    expect(error.driverError.detail).toBeUndefined();
    expect(`${error.message}\n${error.stack}`).not.toContain(MOBILE);
    const bad = (await app
      .get(DataSource)
      .query(`SELECT $1::int`, [NAME])
      .catch((e: unknown) => e)) as Error;
    expect(bad.message).toBe('invalid input syntax for type integer: "[redacted]"');
    expect(String(bad.stack)).not.toContain(NAME);
  });

  it('has TypeORM log statements with their placeholders only, even at every level', async () => {
    const logged: string[] = [];
    const sink = {
      log: (message: string) => logged.push(message),
      warn: (message: string) => logged.push(message),
      error: (message: string) => logged.push(message),
      debug: (message: string) => logged.push(message),
    };
    const verbose = new DataSource({
      ...dataSourceOptions({ databaseUrl: db.url, migrations: [] }),
      logger: new SafeTypeOrmLogger(['query', 'error', 'warn', 'info', 'log'], sink as never),
    });
    await verbose.initialize();
    try {
      await verbose.query(`SELECT $1::text AS mobile`, [MOBILE]);
      await verbose
        .query(`INSERT INTO log_probe (mobile, name) VALUES ($1, $2)`, [MOBILE, NAME])
        .catch(() => undefined);
    } finally {
      await verbose.destroy();
    }
    expect(logged.some((line) => line.includes('SELECT $1::text AS mobile'))).toBe(true);
    expect(logged.some((line) => line.startsWith('Query failed'))).toBe(true);
    for (const value of [MOBILE, NAME]) expect(logged.join('\n')).not.toContain(value);
  });
});
