import {
  Body,
  Controller,
  Header,
  HttpCode,
  INestApplication,
  Post,
  UploadedFiles,
} from '@nestjs/common';
import { FilesInterceptor } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { IsInt, IsString } from 'class-validator';
import { createHash, randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../../../../test/support/test-database';
import { CurrentPrincipal, Public, Roles } from '../auth/auth.decorators';
import { AuthModule } from '../auth/auth.module';
import { Principal } from '../auth/principal';
import { TokenIssuer } from '../auth/token-issuer';
import { AppConfig, loadConfig } from '../config/config';
import { ConfigModule } from '../config/config.module';
import { DatabaseModule } from '../database/database.module';
import { createValidationPipe, ProblemDetailsFilter, WrongStateError } from '../errors';
import { commonMigrations } from '../migrations';
import { IdempotencyNotStored, IdempotencySecrets } from './idempotency-secrets.decorator';
import { Idempotent } from './idempotent.decorator';
import { IdempotencyModule } from './idempotency.module';
import { IdempotencyStore } from './idempotency.store';
import { IdempotencySweeper } from './idempotency.sweeper';
import { canonicalJson } from './request-fingerprint';

class OrderDto {
  @IsString()
  item!: string;

  @IsInt()
  quantity!: number;
}

// What the handlers did, to tell a replay from a second run.
const runs = { count: 0 };
let gate: Promise<void> = Promise.resolve();

@Controller('orders')
@Roles('user')
class OrdersController {
  @Post()
  @Idempotent()
  create(@Body() order: OrderDto, @CurrentPrincipal() principal: Principal) {
    runs.count++;
    return { run: runs.count, owner: principal.sub, ...order };
  }

  @Post('accepted')
  @Idempotent()
  @HttpCode(202)
  @Header('Location', '/orders/42')
  accept() {
    runs.count++;
    return { run: runs.count };
  }

  @Post('empty')
  @Idempotent()
  @HttpCode(204)
  empty() {
    runs.count++;
  }

  @Post('slow')
  @Idempotent()
  async slow(@Body() order: OrderDto) {
    runs.count++;
    await gate;
    return { run: runs.count, ...order };
  }

  @Post('refused')
  @Idempotent()
  refuse() {
    runs.count++;
    throw new WrongStateError('Not in this state.');
  }

  @Post('broken')
  @Idempotent()
  broken() {
    runs.count++;
    throw new Error('database went away');
  }

  @Post('certificates')
  @Idempotent(FilesInterceptor('certificates', 4))
  upload(@UploadedFiles() files: { size: number }[], @Body() body: { note?: string }) {
    runs.count++;
    return { run: runs.count, sizes: files.map((file) => file.size), note: body.note };
  }
}

class IdentityDto {
  @IsString()
  name!: string;

  @IsString()
  idNumber!: string;

  @IsString()
  paymentPassword!: string;
}

@Controller('identity')
@Roles('user')
class IdentityController {
  @Post()
  @Idempotent()
  @IdempotencySecrets('paymentPassword')
  submit(@Body() body: IdentityDto) {
    runs.count++;
    return { run: runs.count, accepted: body.paymentPassword !== '000000' };
  }
}

// Answers about an account named in the body, as the service and back-office APIs do.
@Controller('accounts')
@Roles('user', 'service', 'reviewer')
class AccountsController {
  @Post('about')
  @Idempotent()
  about(@Body() body: { accountId: string }) {
    runs.count++;
    return { run: runs.count, accountId: body.accountId };
  }
}

@Controller('reveal')
@Roles('reviewer', 'user')
class RevealController {
  @Post()
  @IdempotencyNotStored()
  reveal() {
    runs.count++;
    return { run: runs.count, value: '张三' };
  }
}

@Controller('sandbox')
class SandboxController {
  @Post('tokens')
  @Idempotent()
  @Public()
  tokens(@Body() body: { sub: string }) {
    runs.count++;
    return { run: runs.count, sub: body.sub };
  }
}

function testConfig(databaseUrl: string): AppConfig {
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'silent',
    IDEMPOTENCY_LOCK_TIMEOUT_MS: '60000',
  });
}

describe('Idempotency-Key over HTTP', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let dataSource: DataSource;
  let alice: string;
  let bob: string;

  const key = () => `key-${randomUUID()}`;
  const post = (path: string, token = alice) =>
    request(app.getHttpServer()).post(path).set('Authorization', `Bearer ${token}`);
  const order = { item: 'card', quantity: 1 };

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = testConfig(db.url);
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot({ migrations: commonMigrations }),
        AuthModule.forRoot(config),
        IdempotencyModule.forRoot(config),
      ],
      controllers: [
        OrdersController,
        IdentityController,
        AccountsController,
        RevealController,
        SandboxController,
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.useGlobalPipes(createValidationPipe());
    app.useGlobalFilters(new ProblemDetailsFilter());
    await app.init();
    dataSource = app.get(DataSource);
    const issuer = app.get(TokenIssuer);
    alice = (await issuer.issue({ sub: 'alice', roles: ['user'] })).token;
    bob = (await issuer.issue({ sub: 'bob', roles: ['user'] })).token;
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  beforeEach(() => {
    runs.count = 0;
    gate = Promise.resolve();
  });

  it('replays the first answer to a retry with the same key and body', async () => {
    const k = key();
    const first = await post('/orders').set('Idempotency-Key', k).send(order).expect(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const retry = await post('/orders')
      .set('Idempotency-Key', k)
      .send({ quantity: 1, item: 'card' })
      .expect(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.body).toEqual({ run: 1, owner: 'alice', item: 'card', quantity: 1 });
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(runs.count).toBe(1);
  });

  it('never stores an answer in clear: such a route runs again for the same key', async () => {
    const k = key();
    const first = await post('/reveal').set('Idempotency-Key', k).send({}).expect(201);
    const again = await post('/reveal').set('Idempotency-Key', k).send({}).expect(201);
    expect([first.body.run, again.body.run]).toEqual([1, 2]);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    const stored = await dataSource.query(`SELECT 1 FROM idempotency_keys WHERE key = $1`, [k]);
    expect(stored).toEqual([]);
  });

  it('runs every request that has no key', async () => {
    await post('/orders').send(order).expect(201);
    await post('/orders').send(order).expect(201);
    expect(runs.count).toBe(2);
  });

  it('answers 422 idempotency_key_reused for the same key with another body', async () => {
    const k = key();
    await post('/orders').set('Idempotency-Key', k).send(order).expect(201);
    const response = await post('/orders')
      .set('Idempotency-Key', k)
      .send({ ...order, quantity: 2 })
      .expect(422);
    expect(JSON.parse(response.text)).toMatchObject({ code: 'idempotency_key_reused' });
    expect(runs.count).toBe(1);
  });

  it('treats the same key on another path as reuse', async () => {
    const k = key();
    await post('/orders/accepted').set('Idempotency-Key', k).send({}).expect(202);
    await post('/orders/refused').set('Idempotency-Key', k).send({}).expect(422);
  });

  it('keeps the keys of two callers apart', async () => {
    const k = key();
    const fromAlice = await post('/orders').set('Idempotency-Key', k).send(order).expect(201);
    const fromBob = await post('/orders', bob).set('Idempotency-Key', k).send(order).expect(201);
    expect(fromAlice.body.owner).toBe('alice');
    expect(fromBob.body.owner).toBe('bob');
    expect(fromBob.headers['idempotent-replayed']).toBeUndefined();
  });

  it('answers 409 to a retry while the first is still running, and only the first runs', async () => {
    let open!: () => void;
    gate = new Promise((resolve) => (open = resolve));
    const k = key();
    const first = post('/orders/slow')
      .set('Idempotency-Key', k)
      .send(order)
      .then((r) => r);
    while (runs.count === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const concurrent = await post('/orders/slow').set('Idempotency-Key', k).send(order).expect(409);
    expect(JSON.parse(concurrent.text)).toMatchObject({ code: 'idempotency_key_in_progress' });
    open();
    expect((await first).status).toBe(201);
    const after = await post('/orders/slow').set('Idempotency-Key', k).send(order).expect(201);
    expect(after.headers['idempotent-replayed']).toBe('true');
    expect(runs.count).toBe(1);
  });

  it('lets one of many simultaneous first requests run', async () => {
    let open!: () => void;
    gate = new Promise((resolve) => (open = resolve));
    const k = key();
    const all = Promise.all(
      Array.from({ length: 5 }, () =>
        post('/orders/slow')
          .set('Idempotency-Key', k)
          .send(order)
          .then((r) => r.status),
      ),
    );
    setTimeout(() => open(), 300);
    const statuses = await all;
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(4);
    expect(runs.count).toBe(1);
  });

  it('replays the status code and headers the handler set', async () => {
    const k = key();
    await post('/orders/accepted').set('Idempotency-Key', k).send({}).expect(202);
    const retry = await post('/orders/accepted').set('Idempotency-Key', k).send({}).expect(202);
    expect(retry.headers.location).toBe('/orders/42');
    expect(retry.body).toEqual({ run: 1 });
    await post('/orders/empty')
      .set('Idempotency-Key', k + '-empty')
      .expect(204);
    const empty = await post('/orders/empty')
      .set('Idempotency-Key', k + '-empty')
      .expect(204);
    expect(empty.headers['idempotent-replayed']).toBe('true');
    expect(runs.count).toBe(2);
  });

  it('replays a 4xx answer as a problem document', async () => {
    const k = key();
    const first = await post('/orders/refused').set('Idempotency-Key', k).send({}).expect(409);
    const retry = await post('/orders/refused').set('Idempotency-Key', k).send({}).expect(409);
    expect(retry.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(retry.text)).toEqual(JSON.parse(first.text));
    expect(JSON.parse(retry.text)).toMatchObject({ code: 'wrong_state' });
    expect(runs.count).toBe(1);
  });

  it('replays a validation failure without running the handler', async () => {
    const k = key();
    await post('/orders').set('Idempotency-Key', k).send({ item: 7 }).expect(422);
    const retry = await post('/orders').set('Idempotency-Key', k).send({ item: 7 }).expect(422);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(JSON.parse(retry.text)).toMatchObject({ code: 'validation_failed' });
  });

  it('does not store a 5xx: the key is released and a retry runs again', async () => {
    const k = key();
    const failed = await post('/orders/broken').set('Idempotency-Key', k).send({}).expect(500);
    expect(JSON.parse(failed.text)).toMatchObject({ code: 'internal_error' });
    const rows = await dataSource.query(`SELECT 1 FROM idempotency_keys WHERE key = $1`, [k]);
    expect(rows).toHaveLength(0);
    await post('/orders/broken').set('Idempotency-Key', k).send({}).expect(500);
    expect(runs.count).toBe(2);
  });

  it('refuses a key that is empty, too long or not printable ASCII', async () => {
    for (const bad of ['x'.repeat(256), 'café', 'a\tb']) {
      const response = await post('/orders').set('Idempotency-Key', bad).send(order).expect(422);
      expect(JSON.parse(response.text)).toMatchObject({ code: 'invalid_idempotency_key' });
    }
    await post('/orders').set('Idempotency-Key', '').send(order).expect(422);
    expect(runs.count).toBe(0);
  });

  describe('fingerprints', () => {
    const identity = { name: '张三', idNumber: '11010119900307123X', paymentPassword: '135790' };
    const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
    const storedHash = async (k: string): Promise<string> =>
      (await dataSource.query(`SELECT request_hash FROM idempotency_keys WHERE key = $1`, [k]))[0]
        .request_hash;

    it('stores a fingerprint that no SHA-256 of a candidate body matches', async () => {
      const k = key();
      await post('/identity').set('Idempotency-Key', k).send(identity).expect(201);
      const stored = await storedHash(k);
      // Name and ID number known, candidate passwords (the right one among them) tried.
      const candidates = [
        '135790',
        ...Array.from({ length: 1000 }, (_, n) => `${n}`.padStart(6, '0')),
      ];
      const matches = candidates.filter((paymentPassword) => {
        const body = { ...identity, paymentPassword };
        const request = { method: 'POST', path: '/identity', query: '', body, files: [] };
        return [sha256(canonicalJson(request)), sha256(canonicalJson(body))].includes(stored);
      });
      const { paymentPassword: _secret, ...withoutSecret } = identity;
      const request = { method: 'POST', path: '/identity', query: '', files: [] };
      expect([
        ...matches,
        sha256(canonicalJson({ ...request, body: withoutSecret })),
        sha256(canonicalJson(withoutSecret)),
      ]).not.toContain(stored);
    });

    it('leaves a declared secret out: a retry differing only there replays the first answer', async () => {
      const k = key();
      const first = await post('/identity').set('Idempotency-Key', k).send(identity).expect(201);
      const retry = await post('/identity')
        .set('Idempotency-Key', k)
        .send({ ...identity, paymentPassword: '000000' })
        .expect(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body).toEqual(first.body);
      expect(runs.count).toBe(1);
      await post('/identity')
        .set('Idempotency-Key', k)
        .send({ ...identity, name: '李四' })
        .expect(422);
    });

    it('fingerprints the same request under one key alike, and apart from another route', async () => {
      const [k1, k2] = [key(), key()];
      await post('/identity').set('Idempotency-Key', k1).send(identity).expect(201);
      await post('/identity')
        .set('Idempotency-Key', k2)
        .send({ ...identity, paymentPassword: '246801' })
        .expect(201);
      expect(await storedHash(k1)).toBe(await storedHash(k2));
      const k3 = key();
      await post('/orders').set('Idempotency-Key', k3).send(order).expect(201);
      expect(await storedHash(k3)).not.toBe(await storedHash(k1));
    });
  });

  describe('the account an answer is about', () => {
    let service: string;
    let reviewer: string;

    beforeAll(async () => {
      const issuer = app.get(TokenIssuer);
      service = (await issuer.issue({ sub: 'svc-payments', roles: ['service'] })).token;
      reviewer = (await issuer.issue({ sub: 'rev-1', roles: ['reviewer'] })).token;
    });

    const accountOf = async (k: string): Promise<string | null> =>
      (await dataSource.query(`SELECT account_id FROM idempotency_keys WHERE key = $1`, [k]))[0]
        .account_id;

    it('is the answer’s accountId, else the calling user’s account, else none', async () => {
      const [k1, k2, k3, k4] = [key(), key(), key(), key()];
      await post('/orders').set('Idempotency-Key', k1).send(order).expect(201);
      expect(await accountOf(k1)).toBe('alice');
      await post('/accounts/about', service)
        .set('Idempotency-Key', k2)
        .send({ accountId: 'acct-9' })
        .expect(201);
      expect(await accountOf(k2)).toBe('acct-9');
      await post('/accounts/about')
        .set('Idempotency-Key', k3)
        .send({ accountId: 'acct-9' })
        .expect(201);
      expect(await accountOf(k3)).toBe('acct-9');
      await post('/accounts/about', reviewer).set('Idempotency-Key', k4).send({}).expect(201);
      expect(await accountOf(k4)).toBeNull();
    });

    it('forgetAccount deletes every stored answer about the account or owned by it', async () => {
      const account = `acct-${randomUUID()}`;
      const token = (await app.get(TokenIssuer).issue({ sub: account, roles: ['user'] })).token;
      const keys = {
        own: key(),
        ownRefused: key(),
        byService: key(),
        byStaff: key(),
        aboutAnother: key(),
      };
      await post('/orders', token).set('Idempotency-Key', keys.own).send(order).expect(201);
      await post('/orders/refused', token).set('Idempotency-Key', keys.ownRefused).expect(409);
      await post('/accounts/about', service)
        .set('Idempotency-Key', keys.byService)
        .send({ accountId: account })
        .expect(201);
      await post('/accounts/about', reviewer)
        .set('Idempotency-Key', keys.byStaff)
        .send({ accountId: account })
        .expect(201);
      await post('/accounts/about', service)
        .set('Idempotency-Key', keys.aboutAnother)
        .send({ accountId: 'acct-other' })
        .expect(201);
      const remaining = async () =>
        (
          await dataSource.query(`SELECT key FROM idempotency_keys WHERE key = ANY($1)`, [
            Object.values(keys),
          ])
        ).map((row: { key: string }) => row.key);
      const store = app.get(IdempotencyStore);

      // Inside a caller's transaction, the deletion commits or rolls back with it.
      await expect(
        dataSource.transaction(async (tx) => {
          expect(await store.forgetAccount(account, tx)).toBe(4);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(await remaining()).toHaveLength(5);

      expect(await store.forgetAccount(account)).toBe(4);
      expect(await remaining()).toEqual([keys.aboutAnother]);
      // The account's next request with an old key runs afresh.
      const again = await post('/orders', token).set('Idempotency-Key', keys.own).send(order);
      expect(again.status).toBe(201);
      expect(again.headers['idempotent-replayed']).toBeUndefined();
      await expect(store.forgetAccount('')).rejects.toThrow(RangeError);
    });
  });

  it('stores the path without the query, and a hash rather than the body', async () => {
    const k = key();
    await post('/orders?mobile=13800138000').set('Idempotency-Key', k).send(order).expect(201);
    const [row] = await dataSource.query(
      `SELECT principal, method, path, state, status_code, request_hash FROM idempotency_keys WHERE key = $1`,
      [k],
    );
    expect(row).toMatchObject({
      principal: 'alice',
      method: 'POST',
      path: '/orders',
      state: 'completed',
      status_code: 201,
    });
    expect(row.request_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('honours the key on a public route too', async () => {
    const k = key();
    const first = request(app.getHttpServer()).post('/sandbox/tokens');
    await first.set('Idempotency-Key', k).send({ sub: 'x' }).expect(201);
    const retry = await request(app.getHttpServer())
      .post('/sandbox/tokens')
      .set('Idempotency-Key', k)
      .send({ sub: 'x' })
      .expect(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(runs.count).toBe(1);
  });

  describe('uploads', () => {
    const upload = (k: string, front: string, note = 'n') =>
      post('/orders/certificates')
        .set('Idempotency-Key', k)
        .field('note', note)
        .attach('certificates', Buffer.from(front), 'a.jpg')
        .attach('certificates', Buffer.from('second document'), 'b.jpg');

    it('replays the same fields and files, and refuses other file contents', async () => {
      const k = key();
      const first = await upload(k, 'first document').expect(201);
      expect(first.body).toEqual({ run: 1, sizes: [14, 15], note: 'n' });
      const retry = await upload(k, 'first document').expect(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      await upload(k, 'FIRST document').expect(422);
      await upload(k, 'first document', 'other note').expect(422);
      expect(runs.count).toBe(1);
    });
  });

  describe('expiry and recovery', () => {
    it('deletes keys older than the TTL, after which the key is new again', async () => {
      const k = key();
      await post('/orders').set('Idempotency-Key', k).send(order).expect(201);
      await dataSource.query(
        `UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = $1`,
        [k],
      );
      const reused = await post('/orders')
        .set('Idempotency-Key', k)
        .send({ ...order, quantity: 3 })
        .expect(201);
      expect(reused.body.quantity).toBe(3);
      await dataSource.query(
        `UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = $1`,
        [k],
      );
      const store = app.get(IdempotencyStore);
      expect(await store.deleteExpired()).toBeGreaterThanOrEqual(1);
      expect(await dataSource.query(`SELECT 1 FROM idempotency_keys WHERE key = $1`, [k])).toEqual(
        [],
      );
    });

    it('sweeps every expired key in the background, in batches, and keeps the others', async () => {
      const expired = [key(), key(), key()];
      const live = key();
      for (const k of [...expired, live]) {
        await post('/orders').set('Idempotency-Key', k).send(order).expect(201);
      }
      await dataSource.query(
        `UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = ANY($1)`,
        [expired],
      );
      await new IdempotencySweeper(app.get(IdempotencyStore)).sweep();
      const left: { key: string }[] = await dataSource.query(
        `SELECT key FROM idempotency_keys WHERE key = ANY($1)`,
        [[...expired, live]],
      );
      expect(left).toEqual([{ key: live }]);
    });

    it('lets a retry take over a key whose first attempt died, once the lock times out', async () => {
      const k = key();
      await post('/orders').set('Idempotency-Key', k).send(order).expect(201);
      // As if the process had died between claiming the key and storing the answer.
      await dataSource.query(
        `UPDATE idempotency_keys
            SET state = 'in_progress', status_code = NULL, response_body = NULL, completed_at = NULL
          WHERE key = $1`,
        [k],
      );
      await post('/orders').set('Idempotency-Key', k).send(order).expect(409);
      await dataSource.query(
        `UPDATE idempotency_keys SET created_at = now() - interval '61 seconds' WHERE key = $1`,
        [k],
      );
      await post('/orders')
        .set('Idempotency-Key', k)
        .send({ ...order, quantity: 9 })
        .expect(422);
      const retaken = await post('/orders').set('Idempotency-Key', k).send(order).expect(201);
      expect(retaken.headers['idempotent-replayed']).toBeUndefined();
      expect(runs.count).toBe(2);
      const replayed = await post('/orders').set('Idempotency-Key', k).send(order).expect(201);
      expect(replayed.body.run).toBe(2);
    });
  });
});
