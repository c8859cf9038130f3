import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Agent, request as httpRequest } from 'node:http';
import { TEST_RATE_LIMITS } from '../support/app';
import { freePort } from '../support/processes';
import {
  createTestDatabase,
  reachableRedisUrl,
  testQueuePrefix,
  type TestDatabase,
} from '../support/test-database';

// A deploy: SIGTERM to a running api (its real entry point, in a process of its own)
// while clients poll on keep-alive connections and twenty long polls are open. Every
// request gets an answer — never a connection cut under it — and the last one on each
// connection says `Connection: close`; the long polls answer at once; the process
// exits by itself within its bounds.
describe('outages: SIGTERM to the api under a burst, with long polls open', () => {
  const ROOT = join(__dirname, '..', '..');
  const DRAIN_MS = 1_500;
  const TIMEOUT_MS = 5_000;
  // Generous: tells "bounded" from "waits for the 30 s long polls", not fast from slow.
  const EXIT_BOUND_MS = 20_000;
  let db: TestDatabase;
  let api: ChildProcess;
  let base: string;
  let output = '';

  beforeAll(async () => {
    db = await createTestDatabase();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const redisUrl = reachableRedisUrl();
    api = spawn(
      process.execPath,
      [
        '-r',
        '@swc-node/register',
        '-r',
        'tsconfig-paths/register',
        'apps/api/src/main.ts',
        '--with-worker',
      ],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          ...TEST_RATE_LIMITS,
          NODE_ENV: 'test',
          LOG_LEVEL: 'info',
          PORT: String(port),
          METRICS_PORT: '0',
          DATABASE_URL: db.url,
          REDIS_URL: redisUrl ?? '',
          QUEUE_PREFIX: testQueuePrefix(),
          SANDBOX: 'true',
          SHUTDOWN_DRAIN_MS: String(DRAIN_MS),
          SHUTDOWN_TIMEOUT_MS: String(TIMEOUT_MS),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    api.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    api.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitUntilReady(`${base}/health/ready`, api, () => output);
  }, 120_000);

  afterAll(async () => {
    if (api && api.exitCode === null && api.signalCode === null) api.kill('SIGKILL');
    await db?.drop();
  });

  it('answers every request, ends the long polls at once and exits in its bounds', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 40 });
    const call = (method: 'GET' | 'POST', path: string, token?: string, body?: object) =>
      new Promise<{ status: number; text: string; close: boolean }>((resolve, reject) => {
        const payload = body ? JSON.stringify(body) : '';
        const req = httpRequest(
          `${base}${path}`,
          {
            method,
            agent,
            headers: {
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(payload),
              ...(token ? { authorization: `Bearer ${token}` } : {}),
            },
          },
          (response) => {
            let text = '';
            response.setEncoding('utf8');
            response.on('data', (chunk: string) => (text += chunk));
            response.on('end', () =>
              resolve({
                status: response.statusCode ?? 0,
                text,
                close: response.headers.connection === 'close',
              }),
            );
            response.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(payload);
      });
    const tokenFor = async (sub: string) => {
      const answer = await call('POST', '/v1/sandbox/tokens', undefined, { sub, roles: ['user'] });
      return (JSON.parse(answer.text) as { token: string }).token;
    };
    const token = await tokenFor('acct-shutdown');
    const started = await call('POST', '/v1/verification', token, { region: 'mainland' });
    expect(started.status).toBe(200);
    const version = (
      JSON.parse((await call('GET', '/v1/verification', token)).text) as {
        version: number;
      }
    ).version;

    // Twenty long polls for a change that will not come before the shutdown.
    const longPolls = Array.from({ length: 20 }, () =>
      call('GET', `/v1/verification?afterVersion=${version}&waitSeconds=30`, token).then(
        (answer) => ({ answer, at: Date.now() }),
      ),
    );
    // Sixteen clients polling on keep-alive connections until the api tells them to go
    // (`Connection: close`: behind a load balancer, their next connection goes to
    // another instance, since this one's readiness is red) or is gone.
    let stopped = false;
    const outcomes: string[] = [];
    const client = async () => {
      while (!stopped) {
        try {
          const { status, close } = await call('GET', '/v1/verification', token);
          outcomes.push(String(status));
          if (close) return;
        } catch (error) {
          const { code } = error as { code?: string };
          outcomes.push(code ?? String(error));
          // Refused: the api no longer listens, as a client would see before retrying elsewhere.
          if (code === 'ECONNREFUSED') return;
        }
      }
    };
    const clients = Array.from({ length: 16 }, client);
    await new Promise((resolve) => setTimeout(resolve, 300));

    const signalledAt = Date.now();
    const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
      api.once('exit', (code) => resolve({ code, at: Date.now() })),
    );
    api.kill('SIGTERM');
    const polls = await Promise.all(longPolls);
    const exit = await exited;
    stopped = true;
    await Promise.all(clients);
    agent.destroy();

    expect(polls.map(({ answer }) => answer.status)).toEqual(Array(20).fill(200));
    // Answered at the signal, not after their 30 s.
    for (const { at } of polls) expect(at - signalledAt).toBeLessThan(EXIT_BOUND_MS);
    expect({ code: exit.code, log: exit.code === 0 ? '' : output.slice(-3000) }).toEqual({
      code: 0,
      log: '',
    });
    expect(exit.at - signalledAt).toBeLessThan(EXIT_BOUND_MS);
    const unexpected = outcomes.filter((outcome) => !['200', 'ECONNREFUSED'].includes(outcome));
    expect(unexpected).toEqual([]);
    expect(outcomes.filter((outcome) => outcome === '200').length).toBeGreaterThanOrEqual(16);
  }, 90_000);
});

async function waitUntilReady(url: string, child: ChildProcess, log: () => string) {
  const deadline = Date.now() + 100_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The api exited:\n${log().slice(-3000)}`);
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline)
      throw new Error(`The api did not become ready:\n${log().slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
