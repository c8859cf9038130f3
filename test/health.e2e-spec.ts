import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { startApi, testConfig } from './support/app';
import { createTestDatabase, reachableRedisUrl, TestDatabase } from './support/test-database';

// Nothing listens here: Redis "down" without stopping the real one.
const CLOSED_REDIS_URL = 'redis://127.0.0.1:6390';

describe('api health and docs', () => {
  let db: TestDatabase;
  let app: INestApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await startApi(testConfig(db.url));
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('answers the liveness probe', async () => {
    const response = await request(app.getHttpServer()).get('/health/live').expect(200);
    expect(response.body).toMatchObject({ status: 'ok', details: { process: { status: 'up' } } });
  });

  it('answers the probe before routing as the health controller does', async () => {
    // The plain GET is answered on arrival; with a query string it goes through Nest.
    const early = await request(app.getHttpServer()).get('/health/live').expect(200);
    const routed = await request(app.getHttpServer()).get('/health/live?from=nest').expect(200);
    const shape = (body: { details: { process: object } }) => ({
      ...body,
      info: { process: { ...body.details.process, uptimeSeconds: 0 } },
      details: { process: { ...body.details.process, uptimeSeconds: 0 } },
    });
    expect(shape(early.body)).toEqual(shape(routed.body));
    for (const header of ['cache-control', 'content-type', 'x-content-type-options']) {
      expect([header, early.headers[header]]).toEqual([header, routed.headers[header]]);
    }
    expect(early.headers['x-correlation-id']).toBeDefined();
  });

  it('is ready when PostgreSQL and Redis (when the tests have one) answer', async () => {
    const response = await request(app.getHttpServer()).get('/health/ready').expect(200);
    expect(response.body).toMatchObject({
      status: 'ok',
      details: {
        database: { status: 'up' },
        ...(reachableRedisUrl() ? { redis: { status: 'up' } } : {}),
      },
    });
  });

  it('reports the holiday data runway in the readiness details, without failing on it', async () => {
    const response = await request(app.getHttpServer()).get('/health/ready').expect(200);
    expect(response.body.details.calendar).toEqual({
      status: 'up',
      version: expect.stringMatching(/^chinese-days@/),
      lastCoveredDate: expect.stringMatching(/^\d{4}-12-31$/),
      daysLeft: expect.any(Number),
      provisionalDeadlines: true,
    });
  });

  it('serves an OpenAPI 3 document describing the health endpoints and bearer auth', async () => {
    const response = await request(app.getHttpServer()).get('/docs-json').expect(200);
    expect(response.body.openapi).toMatch(/^3\./);
    expect(response.body.info).toMatchObject({ title: 'Shiming API' });
    expect(Object.keys(response.body.paths)).toEqual(
      expect.arrayContaining(['/health/live', '/health/ready']),
    );
    expect(response.body.components.securitySchemes.bearer).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
  });

  it('serves the OpenAPI UI at /docs', async () => {
    const response = await request(app.getHttpServer()).get('/docs/').expect(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
  });

  it('answers an unknown route with a problem+json 404', async () => {
    const response = await request(app.getHttpServer()).get('/no/such/route?mobile=1').expect(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(response.text)).toMatchObject({
      status: 404,
      code: 'not_found',
      title: 'Not Found',
      instance: '/no/such/route',
    });
  });

  it('echoes the caller’s correlation id, or makes one up', async () => {
    const given = await request(app.getHttpServer())
      .get('/health/live')
      .set('X-Request-Id', 'req-abc-123')
      .expect(200);
    expect(given.headers['x-correlation-id']).toBe('req-abc-123');
    const made = await request(app.getHttpServer()).get('/health/live').expect(200);
    expect(made.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses malformed JSON with a problem, correlation id included', async () => {
    const response = await request(app.getHttpServer())
      .post('/health/live')
      .set('Content-Type', 'application/json')
      .set('X-Correlation-Id', 'corr-1')
      .send('{"name": ')
      .expect(422);
    expect(response.headers['x-correlation-id']).toBe('corr-1');
    expect(JSON.parse(response.text)).toMatchObject({ status: 422, code: 'malformed_json' });
  });
});

describe('api readiness without Redis', () => {
  let db: TestDatabase;
  let app: INestApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await startApi(testConfig(db.url, { REDIS_URL: CLOSED_REDIS_URL }));
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('reports 503 naming Redis as down instead of hanging', async () => {
    const response = await request(app.getHttpServer())
      .get('/health/ready')
      .set('Accept-Language', 'en')
      .timeout(10_000)
      .expect(503);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(response.text)).toMatchObject({
      status: 503,
      code: 'not_ready',
      detail: 'Not ready: redis down.',
      checks: { database: { status: 'up' }, redis: { status: 'down' } },
    });
  });

  it('stays alive', async () => {
    await request(app.getHttpServer()).get('/health/live').expect(200);
  });
});

describe('api without Redis configured', () => {
  let db: TestDatabase;
  let app: INestApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await startApi(testConfig(db.url, { REDIS_URL: '' }), { withWorker: true });
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('is ready when PostgreSQL answers, checking nothing else', async () => {
    const response = await request(app.getHttpServer()).get('/health/ready').expect(200);
    expect(response.body).toMatchObject({ status: 'ok', details: { database: { status: 'up' } } });
    expect(response.body.details).not.toHaveProperty('redis');
  });

  it('has no queue dashboard', async () => {
    await request(app.getHttpServer()).get('/admin/queues').expect(404);
  });
});
