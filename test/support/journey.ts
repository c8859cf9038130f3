import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { buildBankCardNumber, buildResidentIdNumber } from '@shiming/common';
import request, { type Response, type Test as HttpTest } from 'supertest';
import { Test } from '@nestjs/testing';
import { AppModule } from '../../apps/api/src/app.module';
import { apiOf, testConfig } from './app';
import { randomPng } from './documents';
import { createTestDatabase, type TestDatabase } from './test-database';

// Journeys through the user API, as the wallet app would walk them: one api with the
// worker in-process per test file, the sandbox's outside parties, its clock and inbox.

export interface StatusDocument {
  accountId: string;
  state: string;
  authenticated: boolean;
  tier: 'none' | 'limited' | 'full';
  nextActions: string[];
  deadlines: Record<string, string> & { provisional?: true };
  case?: { id: string; kind: string; status: string; dueAt: string; provisional?: true };
  identityCheck?: 'in_progress' | 'retrying';
  occupancy?: { holder: string; disputed: boolean };
  notice?: { code: string; message?: string };
  mainAccountId?: string;
  version: number;
  updatedAt: string | null;
}

export interface FileToUpload {
  bytes: Buffer;
  fileName: string;
}

export class Sandbox {
  private constructor(
    private current: INestApplication,
    readonly db: TestDatabase,
    readonly documentsRoot: string,
    private readonly build: (options: {
      withWorker: boolean;
      env?: NodeJS.ProcessEnv;
    }) => Promise<INestApplication>,
  ) {}

  /**
   * A fresh database and an api with the worker in-process, in the sandbox, as
   * `startApi` builds it; `providers` replaces providers by token (a flaky port…).
   */
  static async start(
    env: NodeJS.ProcessEnv = {},
    providers: [token: string | symbol, value: unknown][] = [],
  ): Promise<Sandbox> {
    const db = await createTestDatabase();
    // Uploaded documents go to a directory of this file's own, removed at the end.
    const documentsRoot = await mkdtemp(join(tmpdir(), 'shiming-documents-'));
    const build = async ({
      withWorker,
      env: redeployed = {},
    }: {
      withWorker: boolean;
      env?: NodeJS.ProcessEnv;
    }) => {
      const config = testConfig(db.url, {
        SANDBOX: 'true',
        DOCUMENTS_ROOT: documentsRoot,
        ...env,
        ...redeployed,
      });
      let builder = Test.createTestingModule({
        imports: [AppModule.forRoot(config, { withWorker })],
      });
      for (const [token, value] of providers) {
        builder = builder.overrideProvider(token).useValue(value);
      }
      return apiOf(await builder.compile(), config);
    };
    return new Sandbox(await build({ withWorker: true }), db, documentsRoot, build);
  }

  get app(): INestApplication {
    return this.current;
  }

  /** Where this sandbox's api keeps uploaded documents. */
  get documentsDirectory(): string {
    return this.documentsRoot;
  }

  /**
   * Replaces the api by one on the same database without the worker: from then on
   * nothing writes in the background (no subscriptions, no timers fire), so the
   * database changes only through requests.
   */
  async stopWorker(): Promise<void> {
    await this.current.close();
    this.current = await this.build({ withWorker: false });
  }

  /** A redeploy: the api and worker again on the same database, with more environment. */
  async restart(env: NodeJS.ProcessEnv): Promise<void> {
    await this.current.close();
    this.current = await this.build({ withWorker: true, env });
  }

  async stop(): Promise<void> {
    await this.current?.close();
    await this.db?.drop();
    await rm(this.documentsRoot, { recursive: true, force: true });
  }

  get http() {
    return request(this.app.getHttpServer());
  }

  async token(sub: string, roles: string[]): Promise<string> {
    const response = await this.http.post('/v1/sandbox/tokens').send({ sub, roles }).expect(201);
    return response.body.token as string;
  }

  /** An account holder with a sandbox token of their own. */
  async account(accountId = `acct-${randomBytes(5).toString('hex')}`): Promise<Account> {
    return new Account(this, accountId, await this.token(accountId, ['user']));
  }

  async staff(roles: string[], sub = `staff-${randomBytes(3).toString('hex')}`): Promise<Staff> {
    return new Staff(this, await this.token(sub, roles), sub);
  }

  /** Moves the sandbox clock, firing every timer that becomes due. */
  async advance(duration: string): Promise<void> {
    await this.http.post('/v1/sandbox/clock/advance').send({ duration }).expect(200);
  }

  async smsTexts(mobile: string): Promise<string[]> {
    const response = await this.http.get('/v1/sandbox/sms').query({ mobile }).expect(200);
    return (response.body.messages as { text: string }[]).map((m) => m.text);
  }

  /** The code of the newest SMS to the mobile. */
  async latestSmsCode(mobile: string): Promise<string> {
    const [latest] = await this.smsTexts(mobile);
    const code = /\b(\d{6})\b/.exec(latest ?? '')?.[1];
    if (!code) throw new Error(`No SMS code sent to ${mobile}`);
    return code;
  }

  async deposits(cardNumber: string): Promise<{ depositId: string; amount: string }[]> {
    const response = await this.http
      .get('/v1/sandbox/bank/deposits')
      .query({ cardNumber })
      .expect(200);
    return response.body.deposits;
  }

  async bindCard(accountId: string, cardNumber: string, mobile: string): Promise<void> {
    await this.http
      .put(`/v1/sandbox/accounts/${accountId}/bound-card`)
      .send({ cardNumber, mobile })
      .expect(204);
  }

  /** Polls until `check` passes, or fails with the last error at the deadline. */
  async eventually<T>(check: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (let pause = 20; ; pause = Math.min(pause * 2, 200)) {
      try {
        return await check();
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

export class Account {
  /** The newest version of this account's status that any answer has shown. */
  private known = 0;

  constructor(
    readonly sandbox: Sandbox,
    readonly accountId: string,
    readonly token: string,
  ) {}

  post(path: string, body: object = {}, idempotencyKey?: string): HttpTest {
    const test = this.sandbox.http
      .post(path)
      .set('Authorization', `Bearer ${this.token}`)
      .send(body);
    return this.remembering(idempotencyKey ? test.set('Idempotency-Key', idempotencyKey) : test);
  }

  upload(path: string, files: Record<string, FileToUpload[]>, idempotencyKey?: string): HttpTest {
    let test = this.sandbox.http.post(path).set('Authorization', `Bearer ${this.token}`);
    if (idempotencyKey) test = test.set('Idempotency-Key', idempotencyKey);
    for (const [field, list] of Object.entries(files)) {
      for (const file of list) test = test.attach(field, file.bytes, file.fileName);
    }
    return this.remembering(test);
  }

  get(query: Record<string, string | number> = {}): HttpTest {
    return this.sandbox.http
      .get('/v1/verification')
      .query(query)
      .set('Authorization', `Bearer ${this.token}`);
  }

  /**
   * The status as the read model has it, once it has caught up with every answer seen
   * so far: as a client reads its writes, long-polling from the version it was given.
   */
  async status(): Promise<StatusDocument> {
    const query: Record<string, number> =
      this.known > 0 ? { afterVersion: this.known - 1, waitSeconds: 20 } : {};
    const status: StatusDocument = (await this.get(query).expect(200)).body;
    expect(status.version).toBeGreaterThanOrEqual(this.known);
    return status;
  }

  /** Long-polls until the state is `state` (or `check` accepts the document). */
  async waitForState(
    state: string | ((status: StatusDocument) => boolean),
    timeoutMs = 30_000,
  ): Promise<StatusDocument> {
    const accept = typeof state === 'string' ? (s: StatusDocument) => s.state === state : state;
    const deadline = Date.now() + timeoutMs;
    let status = (await this.get().expect(200)).body as StatusDocument;
    while (!accept(status)) {
      const left = Math.ceil((deadline - Date.now()) / 1000);
      if (left <= 0) {
        throw new Error(`Account ${this.accountId} is ${JSON.stringify(status)}, not as awaited`);
      }
      const response: Response = await this.get({
        afterVersion: status.version,
        waitSeconds: Math.min(left, 5),
      }).expect(200);
      status = response.body;
    }
    this.known = Math.max(this.known, status.version);
    return status;
  }

  private remembering(test: HttpTest): HttpTest {
    test.on('response', (response: Response) => {
      const version = (response.body as { version?: unknown } | undefined)?.version;
      if (response.status < 300 && typeof version === 'number') {
        this.known = Math.max(this.known, version);
      }
    });
    return test;
  }

  // ── the steps, each expecting success ───────────────────────────────────────────

  async start(): Promise<StatusDocument> {
    return (await this.post('/v1/verification', { region: 'mainland' }).expect(200)).body;
  }

  async submitIdentity(
    idNumber: string,
    paymentPassword = '135790',
    name = '张三',
  ): Promise<StatusDocument> {
    const response = await this.post('/v1/verification/identity', {
      name,
      idNumber,
      paymentPassword,
    }).expect(202);
    return response.body;
  }

  async confirm(): Promise<StatusDocument> {
    return (await this.post('/v1/verification/identity/confirm').expect(200)).body;
  }

  async skipPhotos(): Promise<StatusDocument> {
    return (await this.post('/v1/verification/id-documents/skip').expect(200)).body;
  }

  async uploadPhotos(size = 12 * 1024): Promise<StatusDocument> {
    const response = await this.upload('/v1/verification/id-documents', {
      front: [png(size)],
      back: [png(size)],
    }).expect(202);
    return response.body;
  }

  async submitCard(cardNumber: string, reservedMobile: string): Promise<StatusDocument> {
    const response = await this.post('/v1/verification/bank-card', {
      cardNumber,
      reservedMobile,
    }).expect(202);
    return response.body;
  }

  async acceptAgreement(): Promise<StatusDocument> {
    return (await this.post('/v1/verification/bank-card/agreement', { accepted: true }).expect(200))
      .body;
  }

  async enterSmsCode(code: string): Promise<StatusDocument> {
    return (await this.post('/v1/verification/bank-card/sms', { code }).expect(200)).body;
  }

  /** Start, identity, confirm: the account at the ID-photo step. */
  async toPhotoStep(idNumber = newIdNumber(), name = '张三'): Promise<StatusDocument> {
    await this.start();
    const verified = await this.submitIdentity(idNumber, '135790', name);
    expect(verified.state).toBe('identity_verified');
    return this.confirm();
  }

  /** Card, agreement, SMS code from the inbox: authenticated. */
  async passBankCard(cardNumber = newCardNumber(), mobile = newMobile()): Promise<StatusDocument> {
    expect((await this.submitCard(cardNumber, mobile)).nextActions).toContain('accept_agreement');
    expect((await this.acceptAgreement()).state).toBe('sms_pending');
    return this.enterSmsCode(await this.sandbox.latestSmsCode(mobile));
  }

  /** The whole journey at the limited tier. */
  async authenticate(idNumber = newIdNumber()): Promise<StatusDocument> {
    await this.toPhotoStep(idNumber);
    await this.skipPhotos();
    return this.passBankCard();
  }
}

export class Staff {
  constructor(
    readonly sandbox: Sandbox,
    readonly token: string,
    readonly id: string,
  ) {}

  get(path: string): HttpTest {
    return this.sandbox.http.get(path).set('Authorization', `Bearer ${this.token}`);
  }

  post(path: string, body: object = {}): HttpTest {
    return this.sandbox.http.post(path).set('Authorization', `Bearer ${this.token}`).send(body);
  }

  /** The case, also right after the user was given its id (the request waits for its opening). */
  async caseOf(caseId: string): Promise<Record<string, unknown>> {
    const response = await this.get(`/v1/backoffice/cases/${caseId}`);
    if (response.status !== 200)
      throw new Error(`Case ${caseId}: ${response.status} ${response.text}`);
    return response.body;
  }

  claim(caseId: string): HttpTest {
    return this.post(`/v1/backoffice/cases/${caseId}/claim`);
  }

  /** Claims the case. */
  async take(caseId: string): Promise<Record<string, unknown>> {
    return (await this.claim(caseId).expect(200)).body;
  }

  decide(caseId: string, body: object): HttpTest {
    return this.post(`/v1/backoffice/cases/${caseId}/decision`, body);
  }

  approve(caseId: string, body: object): HttpTest {
    return this.post(`/v1/backoffice/cases/${caseId}/approval`, body);
  }

  /** The queue once its read model shows what `until` waits for. */
  async queueUntil(
    query: Record<string, string>,
    until: (items: Record<string, unknown>[]) => boolean,
  ): Promise<Record<string, unknown>[]> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const response = await this.get('/v1/backoffice/cases').query(query).expect(200);
      const items = response.body.items as Record<string, unknown>[];
      if (until(items)) return items;
      if (Date.now() > deadline) throw new Error(`Queue never matched: ${response.text}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

// ── test data: unique per test file, no real person's ────────────────────────────

let serial = 0;

/** A valid resident ID number; `sequence` 999 is a mismatch, 998 an unavailable authority. */
export function newIdNumber(sequence = '123'): string {
  serial++;
  const birth = new Date(Date.UTC(1960, 0, 1) + serial * 86_400_000 * 37);
  return buildResidentIdNumber({ birthDate: birth.toISOString().slice(0, 10), sequence });
}

/** A valid card number; digits 7–9 `999` fail verification, `998` is not quick-pay. */
export function newCardNumber(digits7to9 = '123'): string {
  serial++;
  return buildBankCardNumber({ digits7to9, serial: 1_000_000 + serial });
}

/** A mainland mobile; `mismatch` ends it in 0000, which the sandbox bank refuses. */
export function newMobile(mismatch = false): string {
  serial++;
  return mismatch
    ? `137${String(serial).padStart(4, '0')}0000`
    : `139${String(10_000_000 + serial).slice(-8)}`;
}

/** A PNG that decodes, `size` bytes long, distinct each time. */
export function png(size = 12 * 1024): FileToUpload {
  const bytes = randomPng(size);
  return { bytes, fileName: `photo-${randomBytes(4).toString('hex')}.png` };
}
