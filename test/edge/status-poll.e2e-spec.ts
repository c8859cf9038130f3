import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { TokenIssuer, type Role } from '@shiming/common';
import request from 'supertest';
import { StatusPoll } from '../../apps/api/src/verification/status-poll';
import { startApi, testConfig } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/test-database';

// The status poll is answered before Nest's pipeline (StatusPoll); with a query string
// the same request goes through Nest to the controller. Both must answer alike: status,
// headers and body, for every outcome.

// Headers that differ from one answer to the next whatever answers.
const PER_ANSWER = new Set(['date', 'x-correlation-id', 'connection', 'keep-alive']);

function answerOf(response: request.Response) {
  const headers = Object.fromEntries(
    Object.entries(response.headers).filter(([name]) => !PER_ANSWER.has(name)),
  );
  return { status: response.status, headers, body: response.text };
}

function spyOnPoll(app: NestFastifyApplication): jest.SpyInstance {
  return jest.spyOn(app.get(StatusPoll) as unknown as { answer: () => Promise<void> }, 'answer');
}

async function tokenOf(app: NestFastifyApplication, sub: string, roles: Role[] = ['user']) {
  return (await app.get(TokenIssuer).issue({ sub, roles })).token;
}

/** The same request answered early and by the controller (`?waitSeconds=0` changes nothing). */
async function bothWays(
  app: NestFastifyApplication,
  answered: jest.SpyInstance,
  headers: Record<string, string>,
) {
  const send = (path: string) => {
    const call = request(app.getHttpServer()).get(path);
    for (const [name, value] of Object.entries(headers)) call.set(name, value);
    return call;
  };
  const calls = answered.mock.calls.length;
  const early = await send('/v1/verification');
  expect(answered.mock.calls.length).toBe(calls + 1);
  const routed = await send('/v1/verification?waitSeconds=0');
  expect(answered.mock.calls.length).toBe(calls + 1);
  expect(early.headers['x-correlation-id']).toBeDefined();
  return { early: answerOf(early), routed: answerOf(routed) };
}

describe('the status poll answered on arrival', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let answered: jest.SpyInstance;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await startApi(testConfig(db.url, { SANDBOX: 'true' }));
    answered = spyOnPoll(app);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const token = (sub: string, roles?: Role[]) => tokenOf(app, sub, roles);
  const both = (headers: Record<string, string>) => bothWays(app, answered, headers);

  it('answers the status document as the controller does, in either language', async () => {
    const authorization = `Bearer ${await token('poll-document')}`;
    await request(app.getHttpServer())
      .post('/v1/verification')
      .set('Authorization', authorization)
      .send({ region: 'mainland' })
      .expect(200);
    for (const language of ['zh-CN', 'en']) {
      const { early, routed } = await both({
        Authorization: authorization,
        'Accept-Language': language,
      });
      expect(early.status).toBe(200);
      expect(JSON.parse(early.body)).toMatchObject({ state: 'identity_pending', version: 1 });
      expect(early.headers).toMatchObject({
        etag: `"1-${language}"`,
        'cache-control': 'private, no-cache',
        vary: 'Accept-Language',
        'content-security-policy': expect.any(String),
      });
      expect(early).toEqual(routed);
    }
  });

  it('answers 304 to its ETag and the document to another, as the controller does', async () => {
    const authorization = `Bearer ${await token('poll-etag')}`;
    // No Accept-Language: zh-CN, named in the tag.
    const unchanged = await both({ Authorization: authorization, 'If-None-Match': '"0-zh-CN"' });
    expect(unchanged.early.status).toBe(304);
    expect(unchanged.early.headers.etag).toBe('"0-zh-CN"');
    expect(unchanged.early).toEqual(unchanged.routed);
    const changed = await both({ Authorization: authorization, 'If-None-Match': 'W/"7", "0-en"' });
    expect(changed.early.status).toBe(200);
    expect(changed.early).toEqual(changed.routed);
  });

  it('refuses a request without a token, with a bad token or of another role alike', async () => {
    const cases: [Record<string, string>, number][] = [
      [{}, 401],
      [{ Authorization: 'Basic dXNlcjpwYXNz' }, 401],
      [{ Authorization: 'Bearer not.a.token' }, 401],
      [{ Authorization: `Bearer ${await token('poll-staff', ['reviewer'])}` }, 403],
    ];
    for (const [headers, status] of cases) {
      const { early, routed } = await both(headers);
      expect(early.status).toBe(status);
      expect(early.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(early).toEqual(routed);
    }
    const missing = await both({});
    expect(missing.early.headers['www-authenticate']).toBe('Bearer realm="shiming"');
  });

  it('leaves other forms of the request to the controller', async () => {
    const authorization = `Bearer ${await token('poll-other')}`;
    const calls = answered.mock.calls.length;
    await request(app.getHttpServer())
      .head('/v1/verification')
      .set('Authorization', authorization)
      .expect(200);
    await request(app.getHttpServer())
      .get('/v1/verification?waitSeconds=31')
      .set('Authorization', authorization)
      .expect(422);
    await request(app.getHttpServer())
      .get('/v1/verification?afterVersion=0')
      .set('Authorization', authorization)
      .expect(200);
    expect(answered.mock.calls.length).toBe(calls);
  });
});

describe('the status poll answered on arrival, over a rate limit', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let answered: jest.SpyInstance;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await startApi(
      testConfig(db.url, {
        SANDBOX: 'true',
        RATE_LIMIT_DEFAULT: 'window:60,ip:1000000,account:4,client:1000000',
      }),
    );
    answered = spyOnPoll(app);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const token = (sub: string, roles?: Role[]) => tokenOf(app, sub, roles);
  const both = (headers: Record<string, string>) => bothWays(app, answered, headers);

  it('counts against the same rate limits and refuses over them alike', async () => {
    const authorization = `Bearer ${await token('poll-busy')}`;
    // Four requests allowed to the account, the early and the routed ones alike.
    for (let i = 0; i < 2; i++) {
      const { early, routed } = await both({ Authorization: authorization });
      expect([early.status, routed.status]).toEqual([200, 200]);
    }
    const { early, routed } = await both({ Authorization: authorization });
    expect(early.status).toBe(429);
    // The window's seconds left may tick between the two.
    const retryAfter = (answer: typeof early) => Number(answer.headers['retry-after']);
    expect(Math.abs(retryAfter(early) - retryAfter(routed))).toBeLessThanOrEqual(1);
    const same = (answer: typeof early) => {
      const body = JSON.parse(answer.body) as { retryAfterSeconds: number; detail: string };
      expect(body.retryAfterSeconds).toBe(retryAfter(answer));
      return {
        ...answer,
        headers: { ...answer.headers, 'retry-after': '' },
        body: { ...body, retryAfterSeconds: 0, detail: body.detail.replace(/\d+/g, 'N') },
      };
    };
    expect(same(early)).toEqual(same(routed));
    expect(JSON.parse(early.body)).toMatchObject({ status: 429, code: 'rate_limited' });
    // Another account is not held back.
    const calm = await both({ Authorization: `Bearer ${await token('poll-calm')}` });
    expect(calm.early.status).toBe(200);
  });
});
