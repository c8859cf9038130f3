import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { EventStore } from '@shiming/event-store';
import { PAYMENT_PASSWORD, type PaymentPasswordVerifier } from '@shiming/integrations';
import { Cluster } from '../support/cluster';
import { newCardNumber, newIdNumber, newMobile, png } from '../support/journey';

// Read-your-writes across processes: two apis and two workers on one database, many
// accounts at once, each request of an account sent to the other api than the one
// before. The workers poll the log slowly here, as busy workers lag behind it: what a
// caller is told after a 2xx must never depend on how far they have got.

const ACCOUNTS = 24;

describe('read-your-writes across two apis and two workers', () => {
  let cluster: Cluster;
  let serviceToken: string;

  beforeAll(async () => {
    cluster = await Cluster.start({
      apis: 2,
      workers: 2,
      env: { SUBSCRIPTION_IDLE_POLL_MS: '1500' },
    });
    serviceToken = await cluster.token('payments-service', ['service']);
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  /** An account holder whose requests alternate between the apis. */
  class User {
    private turn: number;

    constructor(
      readonly accountId: string,
      readonly token: string,
      first: number,
      /** Whether each step is checked against a status read at once. */
      private readonly readsBack: boolean,
    ) {
      this.turn = first;
    }

    static async create(first: number, readsBack = true): Promise<User> {
      const accountId = cluster.newAccountId();
      return new User(accountId, await cluster.token(accountId, ['user']), first, readsBack);
    }

    /** The next api in turn. */
    next() {
      return cluster.http(this.turn++);
    }

    post(path: string, body: object = {}) {
      return this.next().post(path).set('Authorization', `Bearer ${this.token}`).send(body);
    }

    status() {
      return this.next().get('/v1/verification').set('Authorization', `Bearer ${this.token}`);
    }

    /** A step, then at once the status from the other api: it shows the step. */
    async step(path: string, body: object, expected: number): Promise<Response> {
      const answer = await this.post(path, body).expect(expected);
      if (!this.readsBack) return answer;
      const read = await this.status().expect(200);
      expect(summary(read.body)).toEqual(summary(answer.body));
      return answer;
    }

    async journeyToSms(mobile: string): Promise<void> {
      await this.step('/v1/verification', { region: 'mainland' }, 200);
      const identity = { name: '张三', idNumber: newIdNumber(), paymentPassword: '135790' };
      expect((await this.step('/v1/verification/identity', identity, 202)).body.state).toBe(
        'identity_verified',
      );
      await this.step('/v1/verification/identity/confirm', {}, 200);
      await this.step('/v1/verification/id-documents/skip', {}, 200);
      const card = { cardNumber: newCardNumber(), reservedMobile: mobile };
      await this.step('/v1/verification/bank-card', card, 202);
      expect(
        (await this.step('/v1/verification/bank-card/agreement', { accepted: true }, 200)).body
          .state,
      ).toBe('sms_pending');
    }

    async smsCode(mobile: string): Promise<string> {
      const response = await this.next().get('/v1/sandbox/sms').query({ mobile }).expect(200);
      const code = /\b(\d{6})\b/.exec(response.body.messages[0].text)?.[1];
      if (!code) throw new Error(`No SMS code sent to ${mobile}`);
      return code;
    }
  }

  function authorize(api: number, accountId: string, reference: string) {
    return cluster
      .http(api)
      .post('/v1/limits/authorize')
      .set('Authorization', `Bearer ${serviceToken}`)
      .send({ accountId, direction: 'pay', amount: '100.00', reference });
  }

  it('shows every step of a journey in the very next status read, on the other api', async () => {
    await Promise.all(
      Array.from({ length: ACCOUNTS }, async (_, i) => {
        const user = await User.create(i);
        const mobile = newMobile();
        await user.journeyToSms(mobile);
        const code = await user.smsCode(mobile);
        const done = await user.step('/v1/verification/bank-card/sms', { code }, 200);
        expect(done.body).toMatchObject({ state: 'authenticated', tier: 'limited' });
      }),
    );
  });

  it('takes steps that alternate between the apis, each decided on what the other wrote', async () => {
    const stores = cluster.apis.map((app) => app.get(EventStore));
    const reads = stores.map((store) => jest.spyOn(store, 'readStream'));
    try {
      // Without reads back, the requests alternate: each api keeps the state it wrote,
      // and the next step there finds the stream moved on by the other.
      const user = await User.create(0, false);
      const mobile = newMobile();
      await user.journeyToSms(mobile);
      const code = await user.smsCode(mobile);
      const done = await user.step('/v1/verification/bank-card/sms', { code }, 200);
      expect(done.body).toMatchObject({ state: 'authenticated', tier: 'limited' });
      // Every step that followed one on the other api found what it kept moved on, and
      // read: the first api's start, confirm and card, the second's identity, skip and
      // agreement. The code followed the agreement on the same api: decided unread.
      const stream = `verification-${user.accountId}`;
      const readsOf = (spy: jest.SpyInstance) =>
        spy.mock.calls.filter(([streamId]) => streamId === stream).length;
      expect(readsOf(reads[0])).toBeGreaterThanOrEqual(3);
      expect(readsOf(reads[1])).toBeGreaterThanOrEqual(3);
    } finally {
      for (const spy of reads) spy.mockRestore();
    }
  });

  it('checks no password on an api whose kept state is from before the other locked the account', async () => {
    const user = await User.create(0, false);
    await user.post('/v1/verification', { region: 'mainland' }).expect(200);
    const idNumber = newIdNumber();
    const guess = (paymentPassword: string) =>
      user.post('/v1/verification/identity', { name: '张三', idNumber, paymentPassword });
    // Five wrong guesses, alternating: the second api keeps the state of the fourth,
    // the first api's fifth locks the account.
    for (let i = 0; i < 5; i++) {
      expect([422, 423]).toContain((await guess('000000')).status);
    }
    const checks = cluster.apis.map((app) =>
      jest.spyOn(app.get<PaymentPasswordVerifier>(PAYMENT_PASSWORD), 'verify'),
    );
    try {
      await guess('135790').expect(423);
      await guess('135790').expect(423);
      for (const check of checks) expect(check).not.toHaveBeenCalled();
    } finally {
      for (const check of checks) check.mockRestore();
    }
  });

  it('authorizes a payment right after the user was told they are authenticated', async () => {
    await Promise.all(
      Array.from({ length: ACCOUNTS }, async (_, i) => {
        const user = await User.create(i, false);
        const mobile = newMobile();
        await user.journeyToSms(mobile);
        // Asked before the account is authenticated: declined, and not for good.
        const reference = `pay-${randomUUID()}`;
        const early = await authorize(i, user.accountId, reference).expect(200);
        expect(early.body).toMatchObject({ decision: 'declined', reason: 'not_authenticated' });

        const code = await user.smsCode(mobile);
        const told = await user.post('/v1/verification/bank-card/sms', { code }).expect(200);
        expect(told.body).toMatchObject({ authenticated: true, tier: 'limited' });

        const fresh = await authorize(i + 1, user.accountId, `pay-${randomUUID()}`).expect(200);
        expect(fresh.body).toMatchObject({ decision: 'approved', tier: 'limited' });
        // The reference declined while unauthenticated is decided again, and kept now.
        const again = await authorize(i, user.accountId, reference).expect(200);
        expect(again.body).toMatchObject({ decision: 'approved', tier: 'limited' });
        expect(again.headers['idempotent-replayed']).toBeUndefined();
        const replay = await authorize(i + 1, user.accountId, reference).expect(200);
        expect(replay.body.authorizationId).toBe(again.body.authorizationId);
        expect(replay.headers['idempotent-replayed']).toBe('true');
      }),
    );
  });

  it('lets staff claim and read a case right after the user was given its id', async () => {
    const reviewerId = 'reviewer-ryw';
    const reviewer = await cluster.token(reviewerId, ['reviewer']);
    await Promise.all(
      Array.from({ length: ACCOUNTS }, async (_, i) => {
        const user = await User.create(i, false);
        await user.step('/v1/verification', { region: 'mainland' }, 200);
        const identity = { name: '李四', idNumber: newIdNumber('999'), paymentPassword: '135790' };
        expect((await user.step('/v1/verification/identity', identity, 202)).body.state).toBe(
          'identity_mismatch',
        );
        let upload = user
          .next()
          .post('/v1/verification/manual-review')
          .set('Authorization', `Bearer ${user.token}`);
        for (const file of [png(), png()]) {
          upload = upload.attach('certificates', file.bytes, file.fileName);
        }
        const requested = await upload.expect(202);
        const caseId = requested.body.case.id as string;

        const claimed = await cluster
          .http(i + 1)
          .post(`/v1/backoffice/cases/${caseId}/claim`)
          .set('Authorization', `Bearer ${reviewer}`)
          .expect(200);
        expect(claimed.body).toMatchObject({ id: caseId, status: 'claimed' });
        const read = await cluster
          .http(i)
          .get(`/v1/backoffice/cases/${caseId}`)
          .set('Authorization', `Bearer ${reviewer}`)
          .expect(200);
        expect(read.body).toMatchObject({ id: caseId, accountId: user.accountId });
      }),
    );
  });

  it('still answers 404 at once for a case that no account ever had', async () => {
    const reviewer = await cluster.token('reviewer-ryw', ['reviewer']);
    const response = await cluster
      .http(1)
      .post(`/v1/backoffice/cases/${randomUUID()}/claim`)
      .set('Authorization', `Bearer ${reviewer}`)
      .expect(404);
    expect(response.body.code).toBe('not_found');
  });
});

/** What a status read must agree on with the step's answer. */
function summary(document: Record<string, unknown>) {
  const { state, version, authenticated, tier, case: open } = document;
  return { state, version, authenticated, tier, case: open };
}
