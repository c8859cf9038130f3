import { INestApplication } from '@nestjs/common';
import { TokenIssuer, type Role } from '@shiming/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { startApi, testConfig } from '../support/app';
import { newIdNumber, newMobile } from '../support/journey';
import { createTestDatabase, TestDatabase } from '../support/test-database';

// Rate limits on the real api with the Redis storage. Each block starts an api of its
// own, whose queue prefix gives it Redis keys of its own. Tokens come from the issuer
// directly, so that minting them does not count against the limits under test.

type Api = { app: INestApplication; token(sub: string, roles: Role[]): Promise<string> };

async function api(db: TestDatabase, env: NodeJS.ProcessEnv): Promise<Api> {
  const app = await startApi(testConfig(db.url, { SANDBOX: 'true', ...env }));
  return {
    app,
    token: async (sub, roles) => (await app.get(TokenIssuer).issue({ sub, roles })).token,
  };
}

function expectRateLimited(response: request.Response, windowSeconds: number): number {
  expect(response.status).toBe(429);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const retryAfter = Number(response.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
  expect(JSON.parse(response.text)).toMatchObject({
    status: 429,
    code: 'rate_limited',
    retryAfterSeconds: retryAfter,
  });
  return retryAfter;
}

describe('rate limits', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db?.drop();
  });

  describe('per account and per service client', () => {
    let server: Api;

    beforeAll(async () => {
      server = await api(db, { RATE_LIMIT_DEFAULT: 'window:60,ip:1000,account:5,client:3' });
    });

    afterAll(async () => {
      await server?.app.close();
    });

    const limits = (token: string) =>
      request(server.app.getHttpServer())
        .get('/v1/accounts/me/limits')
        .set('Authorization', `Bearer ${token}`);

    it('refuses an account’s request over its limit, with Retry-After, and no other account’s', async () => {
      const mine = await server.token('acct-busy', ['user']);
      for (let i = 0; i < 5; i++) expect((await limits(mine)).status).toBe(200);
      const retryAfter = expectRateLimited(await limits(mine), 60);
      expect(retryAfter).toBeGreaterThanOrEqual(55);
      // A fresh token of the same account counts against the same limit.
      expectRateLimited(await limits(await server.token('acct-busy', ['user'])), 60);
      expect((await limits(await server.token('acct-calm', ['user']))).status).toBe(200);
    });

    it('counts a staff member per account like an account holder', async () => {
      const staff = await server.token('staff-busy', ['supervisor']);
      const metrics = () =>
        request(server.app.getHttpServer())
          .get('/v1/backoffice/metrics')
          .set('Authorization', `Bearer ${staff}`);
      for (let i = 0; i < 5; i++) expect((await metrics()).status).toBe(200);
      expectRateLimited(await metrics(), 60);
    });

    it('limits each service client on its own', async () => {
      const tier = (token: string) =>
        request(server.app.getHttpServer())
          .get('/v1/limits/accounts/acct-1')
          .set('Authorization', `Bearer ${token}`);
      const payments = await server.token('payments', ['service']);
      for (let i = 0; i < 3; i++) expect((await tier(payments)).status).toBe(200);
      expectRateLimited(await tier(payments), 60);
      expect((await tier(await server.token('reports', ['service']))).status).toBe(200);
    });

    it('does not limit the health probes', async () => {
      for (let i = 0; i < 8; i++) {
        await request(server.app.getHttpServer()).get('/health/live').expect(200);
      }
    });
  });

  describe('per IP address', () => {
    let server: Api;

    beforeAll(async () => {
      server = await api(db, {
        TRUST_PROXY: '1',
        RATE_LIMIT_DEFAULT: 'window:60,ip:4,account:1000,client:1000',
        RATE_LIMIT_SANDBOX_TOKEN: 'window:60,ip:2',
      });
    });

    afterAll(async () => {
      await server?.app.close();
    });

    const from = (ip: string) => ({
      get: (path: string) =>
        request(server.app.getHttpServer()).get(path).set('X-Forwarded-For', ip),
      post: (path: string) =>
        request(server.app.getHttpServer()).post(path).set('X-Forwarded-For', ip),
    });

    it('counts requests with bad tokens too, so guessing tokens is limited', async () => {
      const guesser = from('203.0.113.7');
      for (let i = 0; i < 4; i++) {
        const response = await guesser
          .get('/v1/verification')
          .set('Authorization', `Bearer not.a.token${i}`);
        expect(response.status).toBe(401);
      }
      expectRateLimited(
        await guesser.get('/v1/verification').set('Authorization', 'Bearer another.bad.one'),
        60,
      );
      // A good token does not lift the IP's limit, and another IP is not affected.
      const good = await server.token('acct-ip', ['user']);
      expectRateLimited(
        await guesser.get('/v1/verification').set('Authorization', `Bearer ${good}`),
        60,
      );
      const elsewhere = await from('203.0.113.8')
        .get('/v1/verification')
        .set('Authorization', `Bearer ${good}`);
      expect(elsewhere.status).toBe(200);
    });

    it('limits sandbox token minting tighter than other routes', async () => {
      const minter = from('203.0.113.9');
      const mint = () => minter.post('/v1/sandbox/tokens').send({ sub: 'x', roles: ['user'] });
      expect((await mint()).status).toBe(201);
      expect((await mint()).status).toBe(201);
      expectRateLimited(await mint(), 60);
      // Its other requests still have the default limit's room.
      expect((await minter.get('/v1/sandbox/clock')).status).toBe(200);
    });
  });

  describe('a class of routes with a window of its own', () => {
    let server: Api;

    beforeAll(async () => {
      server = await api(db, { RATE_LIMIT_IDENTITY_CHECK: 'window:2,ip:1000,account:1' });
    });

    afterAll(async () => {
      await server?.app.close();
    });

    it('refuses the second identity check in the window, says when to come back, and is right', async () => {
      const token = await server.token('acct-identity', ['user']);
      const identity = () =>
        request(server.app.getHttpServer())
          .post('/v1/verification/identity')
          .set('Authorization', `Bearer ${token}`)
          .send({});
      // Counted before validation: the refusal of the empty body is a check all the same.
      expect((await identity()).status).toBe(422);
      const retryAfter = expectRateLimited(await identity(), 2);
      // Other routes of the account are not held back by the identity check's limit.
      await request(server.app.getHttpServer())
        .get('/v1/verification')
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
      expect((await identity()).status).toBe(422);
    });
  });

  describe('searches by personal data, per staff member', () => {
    let server: Api;

    beforeAll(async () => {
      server = await api(db, { RATE_LIMIT_PERSONAL_DATA_SEARCH: 'window:60,account:2' });
    });

    afterAll(async () => {
      await server?.app.close();
    });

    const searchAs = (token: string, body: object) =>
      request(server.app.getHttpServer())
        .post('/v1/backoffice/cases/search')
        .set('Authorization', `Bearer ${token}`)
        .send(body);
    const searchesBy = async (staffId: string) =>
      (
        await server.app
          .get(DataSource)
          .query(
            `SELECT 1 FROM es_events WHERE event_type = 'PersonalDataSearched' AND data->>'staffId' = $1`,
            [staffId],
          )
      ).length as number;

    it('refuses a staff member’s search over the limit with 429 before anything is searched, and no one else’s', async () => {
      const reviewer = await server.token('rev-searching', ['reviewer']);
      expect((await searchAs(reviewer, { idNumber: newIdNumber('999') })).status).toBe(200);
      expect((await searchAs(reviewer, { mobile: newMobile() })).status).toBe(200);
      const refused = await searchAs(reviewer, { idNumber: newIdNumber('999') });
      expect(expectRateLimited(refused, 60)).toBeGreaterThanOrEqual(55);
      // Refused before the handler: nothing was looked up, so nothing is recorded.
      expect(await searchesBy('rev-searching')).toBe(2);
      // The rest of the back office still answers, and another reviewer still searches.
      await request(server.app.getHttpServer())
        .get('/v1/backoffice/cases')
        .set('Authorization', `Bearer ${reviewer}`)
        .expect(200);
      const other = await server.token('rev-calm', ['reviewer']);
      expect((await searchAs(other, { mobile: newMobile() })).status).toBe(200);
    });
  });
});
