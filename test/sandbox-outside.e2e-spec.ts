import { INestApplication } from '@nestjs/common';
import { buildBankCardNumber, TokenVerifier } from '@shiming/common';
import { PAYOUT, Payout, SMS_GATEWAY, SmsGateway } from '@shiming/integrations';
import request from 'supertest';
import { startApi, testConfig } from './support/app';
import { createTestDatabase, TestDatabase } from './support/test-database';

describe('sandbox endpoints for the outside world', () => {
  let db: TestDatabase;
  let app: INestApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await startApi(testConfig(db.url, { SANDBOX: 'true' }));
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('issues tokens that the api accepts, with the roles asked for', async () => {
    const response = await request(app.getHttpServer())
      .post('/v1/sandbox/tokens')
      .send({ sub: 'acct-42', roles: ['user'] })
      .expect(201);
    const principal = await app.get(TokenVerifier).verify(response.body.token);
    expect(principal).toMatchObject({ sub: 'acct-42', roles: ['user'] });
  });

  it('refuses a token request with an unknown role', async () => {
    const response = await request(app.getHttpServer())
      .post('/v1/sandbox/tokens')
      .send({ sub: 'acct-42', roles: ['admin'] })
      .expect(422);
    expect(JSON.parse(response.text)).toMatchObject({ code: 'validation_failed' });
  });

  it('issues tokens of at most the maximum lifetime, refusing longer ones with 422', async () => {
    const longest = await request(app.getHttpServer())
      .post('/v1/sandbox/tokens')
      .send({ sub: 'rev-1', roles: ['reviewer'], ttlSeconds: 24 * 3600 })
      .expect(201);
    expect((await app.get(TokenVerifier).verify(longest.body.token)).sub).toBe('rev-1');
    const response = await request(app.getHttpServer())
      .post('/v1/sandbox/tokens')
      .send({ sub: 'rev-1', roles: ['reviewer'], ttlSeconds: 24 * 3600 + 1 })
      .expect(422);
    expect(JSON.parse(response.text)).toMatchObject({
      code: 'validation_failed',
      errors: [expect.objectContaining({ field: 'ttlSeconds' })],
    });
  });

  it('shows the messages the SMS gateway sent to a mobile, newest first', async () => {
    const sms = app.get<SmsGateway>(SMS_GATEWAY);
    await sms.send('13800138001', 'first');
    await sms.send('13800138001', 'second');
    const response = await request(app.getHttpServer())
      .get('/v1/sandbox/sms')
      .query({ mobile: '13800138001' })
      .expect(200);
    expect(response.body.messages.map((m: { text: string }) => m.text)).toEqual([
      'second',
      'first',
    ]);
  });

  it('refuses an inbox query for a number that is not a mainland mobile', async () => {
    const response = await request(app.getHttpServer())
      .get('/v1/sandbox/sms')
      .query({ mobile: '12345' })
      .expect(422);
    expect(JSON.parse(response.text).errors).toEqual([
      expect.objectContaining({ field: 'mobile', code: 'invalid_mobile' }),
    ]);
  });

  it('shows a micro-deposit only once the sandbox bank has settled it', async () => {
    const cardNumber = buildBankCardNumber({ digits7to9: '123' });
    const payout = app.get<Payout>(PAYOUT);
    await payout.send({ depositId: 'dep-1', cardNumber, amountFen: 37 });
    const before = await request(app.getHttpServer())
      .get('/v1/sandbox/bank/deposits')
      .query({ cardNumber })
      .expect(200);
    expect(before.body.deposits).toEqual([]);
    await payout.settle('dep-1');
    const after = await request(app.getHttpServer())
      .get('/v1/sandbox/bank/deposits')
      .query({ cardNumber })
      .expect(200);
    expect(after.body.deposits).toEqual([
      expect.objectContaining({ depositId: 'dep-1', amount: '0.37' }),
    ]);
  });
});
