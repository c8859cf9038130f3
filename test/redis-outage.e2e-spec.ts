import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { verificationStreamId } from '@shiming/verification';
import { newCardNumber, newMobile, Sandbox, type Account } from './support/journey';
import { freePort } from './support/processes';

// Redis stopped while account holders ask for SMS codes: each request arms a timer due
// soon (the code's expiry) after its write has committed. The wake-up is a hint: no
// request waits for Redis, and every timer fires once, from PostgreSQL meanwhile or
// from BullMQ once Redis is back. Redis here is a server of this test's own.

const ACCOUNTS = 6;
// Short enough that the codes expire while the test runs.
const SMS_TTL_MS = 3_000;
const OUTAGE_MS = 4_000;

const redisServer = spawnSync('redis-server', ['--version']).status === 0;
// Jest shows no console output of a file without a test that ran.
if (!redisServer)
  process.stderr.write('SKIPPED (no redis-server on this machine): Redis outage spec\n');

(redisServer ? describe : describe.skip)('requests that arm timers while Redis is down', () => {
  let port: number;
  let redis: ChildProcess | null = null;
  let sandbox: Sandbox;

  const startRedis = async (): Promise<void> => {
    const server = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    redis = server;
    const client = new Redis(port, '127.0.0.1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on('error', () => undefined);
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await client.connect();
        await client.ping();
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    client.disconnect();
  };

  const stopRedis = async (): Promise<void> => {
    const server = redis;
    redis = null;
    if (!server || server.exitCode !== null) return;
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGKILL');
    await exited;
  };

  beforeAll(async () => {
    port = await freePort();
    await startRedis();
    sandbox = await Sandbox.start({
      REDIS_URL: `redis://127.0.0.1:${port}`,
      SMS_CODE_TTL_MS: String(SMS_TTL_MS),
      SMS_CODE_RESEND_COOLDOWN_MS: '1000',
    });
  });

  afterAll(async () => {
    // BullMQ closes its connections only when Redis answers.
    if (!redis && port) await startRedis();
    await sandbox?.stop();
    await stopRedis();
  });

  /** Answers within a second, or the test says which step took how long. */
  async function timed(what: string, request: () => PromiseLike<{ status: number }>) {
    const started = Date.now();
    const response = await request();
    const took = Date.now() - started;
    expect({ what, status: response.status, slow: took >= 1_000 ? took : false }).toEqual({
      what,
      status: 200,
      slow: false,
    });
    return took;
  }

  /** Accounts at the agreement step, their SMS code not yet asked for. */
  async function atAgreement(count: number): Promise<Account[]> {
    const accounts: Account[] = [];
    for (let i = 0; i < count; i++) {
      const account = await sandbox.account();
      await account.toPhotoStep();
      await account.skipPhotos();
      await account.submitCard(newCardNumber(), newMobile());
      accounts.push(account);
    }
    return accounts;
  }

  /**
   * During `outage` (ended by `recover` after OUTAGE_MS), each account accepts the
   * agreement (a code and its expiry timer) and asks for a new code (the first timer
   * cancelled, another armed). Every request answers within a second; each live expiry
   * fires once.
   */
  async function armDuring(outage: () => void, recover: () => Promise<void>, label: string) {
    const accounts = await atAgreement(ACCOUNTS);
    outage();
    const outageStarted = Date.now();
    const took: number[] = [];
    for (const account of accounts) {
      took.push(
        await timed('agreement', () =>
          account.post('/v1/verification/bank-card/agreement', { accepted: true }),
        ),
      );
    }
    // Past the resend cool-down.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    for (const account of accounts) {
      took.push(await timed('resend', () => account.post('/v1/verification/bank-card/sms/resend')));
    }
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS - (Date.now() - outageStarted)));
    await recover();
    console.log(
      `Redis ${label} for ${OUTAGE_MS} ms: ${took.length} requests answered in ${took.join(', ')} ms`,
    );

    const db = sandbox.app.get(DataSource);
    const streams = accounts.map((a) => verificationStreamId(a.accountId));
    const expiries = () =>
      db.query(
        `SELECT stream_id, status, attempts FROM wf_timers
         WHERE kind = 'sms_code_expiry' AND stream_id = ANY($1) ORDER BY stream_id, created_at`,
        [streams],
      ) as Promise<{ stream_id: string; status: string; attempts: number }[]>;
    await sandbox.eventually(async () => {
      expect((await expiries()).filter((t) => t.status === 'fired')).toHaveLength(ACCOUNTS);
    }, 30_000);
    // Per account: the first code's timer cancelled by the resend, the second fired once.
    const rows = await expiries();
    for (const stream of streams) {
      expect(rows.filter((r) => r.stream_id === stream).map((r) => [r.status, r.attempts])).toEqual(
        [
          ['cancelled', 0],
          ['fired', 1],
        ],
      );
    }
    const expired: { n: number }[] = await db.query(
      `SELECT count(*)::int AS n FROM es_events
       WHERE event_type = 'SmsCodeExpired' AND stream_id = ANY($1) GROUP BY stream_id`,
      [streams],
    );
    expect(expired.map((e) => e.n)).toEqual(Array(ACCOUNTS).fill(1));
    for (const account of accounts) {
      expect(
        await account.waitForState((s) => s.notice?.code === 'sms_code_expired'),
      ).toMatchObject({ state: 'sms_pending' });
    }
  }

  it('answers within a second while Redis is stopped, and fires each code expiry once', async () => {
    await armDuring(
      () => void stopRedis(),
      () => startRedis(),
      'stopped',
    );
  });

  it('answers within a second while Redis hangs, and fires each code expiry once', async () => {
    // A stopped process: connections stay open, commands get no answer.
    await armDuring(
      () => redis?.kill('SIGSTOP'),
      async () => {
        redis?.kill('SIGCONT');
      },
      'hung',
    );
  });

  it('wakes a new timer from BullMQ again once Redis is back', async () => {
    const [account] = await atAgreement(1);
    await timed('agreement', () =>
      account.post('/v1/verification/bank-card/agreement', { accepted: true }),
    );
    const db = sandbox.app.get(DataSource);
    const [{ enqueued }] = await db.query(
      `SELECT enqueued_at IS NOT NULL AS enqueued FROM wf_timers
       WHERE kind = 'sms_code_expiry' AND stream_id = $1`,
      [verificationStreamId(account.accountId)],
    );
    expect(enqueued).toBe(true);
    await account.waitForState((s) => s.notice?.code === 'sms_code_expired', 30_000);
  });
});
