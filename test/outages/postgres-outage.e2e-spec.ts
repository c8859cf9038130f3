import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedPostgres } from '@shiming/common/database/embedded';
import { newIdNumber, Sandbox, type Account } from '../support/journey';

// PostgreSQL frozen (every server process stopped by SIGSTOP) and PostgreSQL stopped:
// each request gets a prompt 503 `database_unavailable` with Retry-After instead of
// waiting for the outage to end or failing with 500, and what was acknowledged before
// is there after. The server is one of this file's own, so that freezing it stops
// nobody else.
describe('outages: PostgreSQL frozen or stopped', () => {
  let directory: string;
  let server: EmbeddedPostgres;
  let sandbox: Sandbox;

  // Small timeouts so the outage answers come quickly; the bound asserted below is
  // generous, it tells "bounded" from "waits for the outage", not fast from slow.
  const TIMEOUTS = {
    DB_STATEMENT_TIMEOUT_MS: '1500',
    DB_LOCK_TIMEOUT_MS: '1000',
    DB_CONNECT_TIMEOUT_MS: '1000',
  };
  const BOUND_MS = 15_000;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'shiming-outage-'));
    server = await EmbeddedPostgres.start({ directory });
    sandbox = await Sandbox.start({ DATABASE_URL: server.url('shiming_outage'), ...TIMEOUTS });
  }, 120_000);

  afterAll(async () => {
    if (server) signalServer(server.pid, 'SIGCONT');
    await sandbox?.stop();
    await server?.stop();
    await rm(directory, { recursive: true, force: true });
  });

  async function during(account: Account) {
    const started = Date.now();
    const answers = await Promise.all([
      account.get(),
      account.post('/v1/verification/identity', identityBody()),
      account.get(),
    ]);
    return { answers, elapsedMs: Date.now() - started };
  }

  it('answers 503 with Retry-After while the server is frozen, and serves again after', async () => {
    const account = await sandbox.account();
    const started = await account.start();

    signalServer(server.pid, 'SIGSTOP');
    let outage;
    try {
      outage = await during(account);
    } finally {
      signalServer(server.pid, 'SIGCONT');
    }
    expect(outage.elapsedMs).toBeLessThan(BOUND_MS);
    for (const answer of outage.answers) {
      expect(answer.status).toBe(503);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(answer.body.code).toBe('database_unavailable');
      expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }

    // The step acknowledged before the freeze is still there; the service serves again.
    const after = await eventually(() => account.get());
    expect(after.body.state).toBe(started.state);
  });

  it('answers 503 while the server is stopped, and reconnects once it is back', async () => {
    const account = await sandbox.account();
    const started = await account.start();

    await server.stop();
    try {
      const outage = await during(account);
      expect(outage.elapsedMs).toBeLessThan(BOUND_MS);
      for (const answer of outage.answers) {
        expect(answer.status).toBe(503);
        expect(answer.body.code).toBe('database_unavailable');
      }
    } finally {
      server = await EmbeddedPostgres.start({ directory, port: server.port });
    }

    const after = await eventually(() => account.get());
    expect(after.body.state).toBe(started.state);
  });
});

function identityBody() {
  return { name: '张三', idNumber: newIdNumber(), paymentPassword: '135790' };
}

/** Retries a request until it answers 200, for a server that is coming back. */
async function eventually(
  send: () => PromiseLike<{ status: number; body: { state?: string } }>,
): Promise<{ status: number; body: { state?: string } }> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const answer = await send();
    if (answer.status === 200 || Date.now() > deadline) {
      expect(answer.status).toBe(200);
      return answer;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Signals the postmaster and every process it started (the backends answer queries). */
function signalServer(postmaster: number, signal: NodeJS.Signals): void {
  for (const pid of [postmaster, ...childrenOf(postmaster)]) {
    try {
      process.kill(pid, signal);
    } catch {
      // Gone already.
    }
  }
}

function childrenOf(parent: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid …; comm may hold spaces, so read after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) children.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return children;
}
