import { DataSource } from 'typeorm';
import { VerificationTimerKind } from '@shiming/verification';
import { newIdNumber, Sandbox, type Account } from '../support/journey';
import { fireTogether } from '../support/timers';

describe('journeys: the identity step, status polling, bad input and retries', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await Sandbox.start();
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  async function eventsOf(account: Account): Promise<string[]> {
    const rows: { event_type: string }[] = await sandbox.app
      .get(DataSource)
      .query(`SELECT event_type FROM es_events WHERE stream_id = $1 ORDER BY stream_version`, [
        `verification-${account.accountId}`,
      ]);
    return rows.map((row) => row.event_type);
  }

  it('locks identity submission after five wrong payment passwords, for three hours', async () => {
    const account = await sandbox.account();
    await account.start();
    const idNumber = newIdNumber();
    const submit = (paymentPassword: string) =>
      account.post('/v1/verification/identity', { name: '张三', idNumber, paymentPassword });
    for (const attemptsLeft of [4, 3, 2, 1]) {
      const wrong = await submit('000000').expect(422);
      expect(JSON.parse(wrong.text)).toMatchObject({
        code: 'wrong_payment_password',
        attemptsLeft,
      });
    }
    const locked = await submit('000000').expect(423);
    expect(JSON.parse(locked.text)).toMatchObject({
      code: 'locked',
      retryAfterSeconds: 3 * 3600,
    });
    expect(Number(locked.headers['retry-after'])).toBe(3 * 3600);
    expect(await account.waitForState('locked')).toMatchObject({
      nextActions: [],
      deadlines: { identityLockedUntil: JSON.parse(locked.text).lockedUntil },
    });
    // Even the right password waits for the lock to end.
    const stillLocked = await submit('135790').expect(423);
    expect(Number(stillLocked.headers['retry-after'])).toBeGreaterThan(3 * 3600 - 60);
    await sandbox.advance('PT3H');
    expect(await account.waitForState('identity_pending')).toMatchObject({
      nextActions: ['submit_identity'],
    });
    expect((await submit('135790').expect(202)).body.state).toBe('identity_verified');
  });

  it('unlocks the accounts whose locks end together in one firing batch', async () => {
    const accounts = await Promise.all([1, 2, 3].map(() => sandbox.account()));
    for (const account of accounts) {
      await account.start();
      const idNumber = newIdNumber();
      for (let i = 0; i < 5; i++) {
        await account.post('/v1/verification/identity', {
          name: '张三',
          idNumber,
          paymentPassword: '000000',
        });
      }
      await account.waitForState('locked');
    }
    const streams = accounts.map((a) => `verification-${a.accountId}`);
    // Past the locks, then the three wake-ups as the worker batches them.
    expect(
      await fireTogether(
        sandbox,
        VerificationTimerKind.IdentityUnlock,
        streams,
        3 * 3_600_000 + 60_000,
      ),
    ).toEqual({ outcomes: ['fired', 'fired', 'fired'], transactions: 1, appendStatements: 1 });
    for (const account of accounts) await account.waitForState('identity_pending');
  });

  it('retries an unavailable identity authority with back-off until it answers', async () => {
    const account = await sandbox.account();
    await account.start();
    const submitted = await account.submitIdentity(newIdNumber('998'));
    expect(submitted).toMatchObject({
      state: 'identity_pending',
      identityCheck: 'retrying',
      nextActions: [],
      deadlines: { identityCheckRetryAt: expect.any(String) },
    });
    // The first retry fails too (the sandbox fails a 998 number twice)…
    await sandbox.advance('PT1M');
    const again = await account.waitForState((s) => s.version >= submitted.version + 2);
    expect(again).toMatchObject({ state: 'identity_pending', identityCheck: 'retrying' });
    expect(Date.parse(again.deadlines.identityCheckRetryAt)).toBeGreaterThan(
      Date.parse(submitted.deadlines.identityCheckRetryAt),
    );
    // …the second succeeds.
    await sandbox.advance('PT2M');
    expect(await account.waitForState('identity_verified')).toMatchObject({
      nextActions: ['confirm_identity', 'defer_confirmation', 'submit_identity'],
    });
  });

  it('refuses bad input with a code per field, and records nothing', async () => {
    const account = await sandbox.account();
    await account.start();
    const response = await account
      .post('/v1/verification/identity', {
        name: 'Zhang San',
        idNumber: '110101199003071234',
        paymentPassword: '12345',
      })
      .expect(422);
    const problem = JSON.parse(response.text);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(problem).toMatchObject({ code: 'validation_failed' });
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'name', code: 'invalid_name' }),
        expect.objectContaining({ field: 'idNumber', code: 'invalid_id_number' }),
        expect.objectContaining({ field: 'paymentPassword', code: 'invalid_payment_password' }),
      ]),
    );
    // The message names the field, never the value.
    expect(response.text).not.toContain('110101199003071234');
    const card = await account
      .post('/v1/verification/bank-card', { cardNumber: '6222021234567890', reservedMobile: '1' })
      .expect(422);
    expect(JSON.parse(card.text).errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'cardNumber', code: 'invalid_bank_card' }),
        expect.objectContaining({ field: 'reservedMobile', code: 'invalid_mobile' }),
      ]),
    );
    expect(await eventsOf(account)).toEqual(['VerificationStarted']);
  });

  it('refuses a region other than mainland, and a step out of order', async () => {
    const account = await sandbox.account();
    const region = await account.post('/v1/verification', { region: 'hongkong' }).expect(422);
    expect(JSON.parse(region.text)).toMatchObject({ code: 'unsupported_region' });
    const early = await account.post('/v1/verification/identity/confirm').expect(409);
    expect(JSON.parse(early.text)).toMatchObject({
      code: 'wrong_state',
      state: 'not_started',
      command: 'ConfirmIdentity',
    });
    expect(await eventsOf(account)).toEqual([]);
  });

  it('refuses another role, and a request without a token', async () => {
    const staff = await sandbox.token('staff-1', ['reviewer']);
    const forbidden = await sandbox.http
      .get('/v1/verification')
      .set('Authorization', `Bearer ${staff}`)
      .expect(403);
    expect(JSON.parse(forbidden.text)).toMatchObject({ code: 'forbidden' });
    await sandbox.http.get('/v1/verification').expect(401);
  });

  it('replays the first answer to a POST repeated with its Idempotency-Key', async () => {
    const account = await sandbox.account();
    await account.start();
    const body = { name: '张三', idNumber: newIdNumber(), paymentPassword: '135790' };
    const first = await account.post('/v1/verification/identity', body, 'key-1').expect(202);
    const again = await account.post('/v1/verification/identity', body, 'key-1').expect(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    const reused = await account
      .post('/v1/verification/identity', { ...body, name: '李四' }, 'key-1')
      .expect(422);
    expect(JSON.parse(reused.text)).toMatchObject({ code: 'idempotency_key_reused' });
    expect(await eventsOf(account)).toEqual([
      'VerificationStarted',
      'IdentitySubmitted',
      'IdentityVerified',
    ]);
  });

  it('answers 304 to If-None-Match, and long-polls for the next version', async () => {
    const account = await sandbox.account();
    const started = await account.start();
    const current = await account
      .get({ afterVersion: started.version - 1, waitSeconds: 20 })
      .expect(200);
    // Without Accept-Language the document is in zh-CN, and its tag says so.
    expect(current.headers.etag).toBe(`"${started.version}-zh-CN"`);
    const unchanged = await account.get().set('If-None-Match', current.headers.etag).expect(304);
    expect(unchanged.headers.etag).toBe(current.headers.etag);
    expect(unchanged.headers['cache-control']).toBe('private, no-cache');
    // An ETag of another version: the document, with the ETag it has now.
    const stale = await account.get().set('If-None-Match', '"0"').expect(200);
    expect(stale.headers.etag).toBe(current.headers.etag);
    expect(stale.body.version).toBe(started.version);
    // Nothing new: the poll answers the current document when its time is up.
    const idle = await account.get({ afterVersion: started.version, waitSeconds: 1 }).expect(200);
    expect(idle.body.version).toBe(started.version);
    // Something new: the poll answers as soon as it happens.
    const poll = account.get({ afterVersion: started.version, waitSeconds: 20 }).then((r) => r);
    const asked = Date.now();
    await account.submitIdentity(newIdNumber());
    const answered = await poll;
    expect(answered.status).toBe(200);
    expect(answered.body.version).toBeGreaterThan(started.version);
    expect(Date.now() - asked).toBeLessThan(10_000);
    const tooLong = await account.get({ afterVersion: 0, waitSeconds: 31 }).expect(422);
    expect(JSON.parse(tooLong.text).errors).toEqual([
      expect.objectContaining({ field: 'waitSeconds' }),
    ]);
  });

  it('documents every verification endpoint in OpenAPI, with problem answers', async () => {
    const { body } = await sandbox.http.get('/docs-json').expect(200);
    const paths = Object.keys(body.paths).filter((path) => path.startsWith('/v1/verification'));
    expect(paths.sort()).toEqual(
      [
        '/v1/verification',
        '/v1/verification/identity',
        '/v1/verification/manual-review',
        '/v1/verification/occupancy',
        '/v1/verification/appeal',
        '/v1/verification/identity/confirm',
        '/v1/verification/identity/defer',
        '/v1/verification/id-documents',
        '/v1/verification/id-documents/skip',
        '/v1/verification/bank-card',
        '/v1/verification/bank-card/agreement',
        '/v1/verification/bank-card/sms',
        '/v1/verification/bank-card/sms/resend',
        '/v1/verification/bank-card/micro-deposit',
        '/v1/verification/bank-card/micro-deposit/confirm',
        '/v1/verification/bank-card/change',
        '/v1/verification/associations',
      ].sort(),
    );
    const identity = body.paths['/v1/verification/identity'].post;
    expect(identity.summary).toBeTruthy();
    expect(Object.keys(identity.responses)).toEqual(
      expect.arrayContaining(['202', '409', '422', '423']),
    );
    expect(identity.responses['423'].content).toHaveProperty(['application/problem+json']);
    expect(body.components.schemas.SubmitIdentityDto.properties.idNumber.example).toBeTruthy();
  });
});
