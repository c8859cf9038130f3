import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { Metrics } from '@shiming/common';
import { startApi, testConfig } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/test-database';

describe('ops: rate-limit refusals in /metrics', () => {
  let db: TestDatabase;
  let app: INestApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await startApi(
      testConfig(db.url, { SANDBOX: 'true', RATE_LIMIT_SANDBOX_TOKEN: 'window:60,ip:1' }),
    );
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('counts a 429 by its limit, without the caller', async () => {
    const mint = () =>
      request(app.getHttpServer())
        .post('/v1/sandbox/tokens')
        .send({ sub: 'acct-1', roles: ['user'] });
    await mint().expect(201);
    await mint().expect(429);
    const text = await app.get(Metrics).scrape();
    expect(text).toContain('shiming_rate_limit_refusals_total{limit="sandboxToken:ip"} 1');
    expect(text).not.toMatch(/rate_limit_refusals_total\{[^}]*127\.0\.0\.1/);
    // The refusal came from a guard, before any handler: not an HTTP latency sample.
    expect(text).toMatch(
      /shiming_http_request_duration_seconds_count\{method="POST",route="\/v1\/sandbox\/tokens",status="201"\} 1/,
    );
  });
});
