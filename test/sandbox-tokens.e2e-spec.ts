import { generateKeyPairSync } from 'node:crypto';
import { INestApplication, Logger } from '@nestjs/common';
import request from 'supertest';
import { startApi, testConfig } from './support/app';
import { createTestDatabase, TestDatabase } from './support/test-database';

describe('sandbox tokens with only a public key configured', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let warned: jest.SpyInstance;

  beforeAll(async () => {
    warned = jest.spyOn(Logger.prototype, 'warn');
    db = await createTestDatabase();
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    app = await startApi(testConfig(db.url, { SANDBOX: 'true', AUTH_JWT_PUBLIC_KEY: pem }));
  });

  afterAll(async () => {
    warned.mockRestore();
    await app?.close();
    await db?.drop();
  });

  it('says at start-up that the sandbox issues no tokens', () => {
    expect(warned).toHaveBeenCalledWith(expect.stringMatching(/Sandbox tokens are not issued/));
  });

  it('refuses to mint a token with 503 sandbox_tokens_unavailable, not a bare 500', async () => {
    const response = await request(app.getHttpServer())
      .post('/v1/sandbox/tokens')
      .send({ sub: 'acct-1', roles: ['user'] })
      .expect(503);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(response.text)).toMatchObject({
      status: 503,
      code: 'sandbox_tokens_unavailable',
      detail: expect.stringContaining('AUTH_JWT_PUBLIC_KEY'),
    });
  });
});
