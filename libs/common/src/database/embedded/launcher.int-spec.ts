import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// The launcher as `npm start` runs it (scripts/start.ts), over a stand-in application
// that connects to the database it is given: a real PostgreSQL, real processes and
// real signals.
const ROOT = resolve(__dirname, '../../../../..');
const FIXTURE = join(__dirname, 'testing', 'database-app.fixture.ts');

interface Launched {
  process: ChildProcess;
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function launch(env: NodeJS.ProcessEnv): Launched {
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', '-r', 'tsconfig-paths/register', 'scripts/start.ts', FIXTURE],
    {
      cwd: ROOT,
      env: { ...withoutDatabase(process.env), LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const waiters = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    for (const waiter of waiters) waiter();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    // 'close', not 'exit': every line written to the pipes has been read by then.
    child.once('close', (code, signal) => done({ code, signal })),
  );
  return {
    process: child,
    output: () => output,
    exited,
    waitFor: (pattern, timeoutMs = 30_000) =>
      new Promise((found, failed) => {
        const check = () => {
          const match = pattern.exec(output);
          if (!match) return;
          waiters.delete(check);
          clearTimeout(timer);
          found(match);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          failed(new Error(`No ${pattern} within ${timeoutMs} ms in:\n${output}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
  };
}

function withoutDatabase(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  delete copy.DATABASE_URL;
  delete copy.DOCUMENTS_ROOT;
  delete copy.EMBEDDED_POSTGRES_PORT;
  return copy;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('Timed out');
    await new Promise((done) => setTimeout(done, 50));
  }
}

describe('the launcher (npm start) over an embedded PostgreSQL', () => {
  let home: string;
  const running = new Set<ChildProcess>();

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'shiming-launcher-spec-'));
    // As a project folder is: PostgreSQL's unprivileged user (when run as root) may enter.
    await chmod(home, 0o755);
  });

  afterEach(() => {
    for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
    running.clear();
  });

  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  function start(env: NodeJS.ProcessEnv = {}): Launched {
    const launched = launch({ EMBEDDED_DATA_DIR: home, ...env });
    running.add(launched.process);
    return launched;
  }

  async function serverPid(): Promise<number> {
    const lock = await readFile(join(home, 'postgres', 'data', 'postmaster.pid'), 'utf8');
    return Number(lock.split('\n')[0]);
  }

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'on %s stops the application first, then PostgreSQL, and exits with 0',
    async (signal) => {
      const launched = start();
      const [, appPid] = await launched.waitFor(/fixture ready pid=(\d+)/);
      expect(launched.output()).toMatch(/embedded PostgreSQL 16\.\d+ on 127\.0\.0\.1:\d+/);
      expect(launched.output()).toContain(`data in ${join(home, 'postgres', 'data')}`);
      expect(launched.output()).toContain(`documents in ${join(home, 'documents')}`);
      const postgres = await serverPid();

      launched.process.kill(signal);

      expect(await launched.exited).toEqual({ code: 0, signal: null });
      const output = launched.output();
      expect(output).toContain(`fixture stopping on ${signal}`);
      expect(output.indexOf('Embedded PostgreSQL stopped')).toBeGreaterThan(
        output.indexOf(`fixture stopping on ${signal}`),
      );
      expect(isAlive(Number(appPid))).toBe(false);
      expect(isAlive(postgres)).toBe(false);
    },
  );

  it("stops PostgreSQL when the application crashes, and exits with the application's code", async () => {
    const launched = start({ FIXTURE_EXIT_CODE: '3' });
    await launched.waitFor(/fixture ready/);
    const postgres = await serverPid();

    expect(await launched.exited).toEqual({ code: 3, signal: null });
    expect(launched.output()).toContain('The application ended on its own (exit code 3)');
    expect(isAlive(postgres)).toBe(false);
  });

  it('stops PostgreSQL when the application is killed outright', async () => {
    const launched = start();
    const [, appPid] = await launched.waitFor(/fixture ready pid=(\d+)/);
    const postgres = await serverPid();

    process.kill(Number(appPid), 'SIGKILL');

    expect(await launched.exited).toEqual({ code: 128 + 9, signal: null });
    expect(isAlive(postgres)).toBe(false);
  });

  it('after the launcher is killed outright, the application stops and the next start stops the server it left', async () => {
    const first = start();
    const [, appPid] = await first.waitFor(/fixture ready pid=(\d+)/);
    const leftover = await serverPid();

    first.process.kill('SIGKILL');
    await first.exited;
    // Its IPC channel closed: the application stops as on SIGTERM.
    await until(() => !isAlive(Number(appPid)));
    expect(isAlive(leftover)).toBe(true);

    const second = start();
    await second.waitFor(/fixture ready/);
    expect(second.output()).toContain(
      `Stopping the PostgreSQL server (pid ${leftover}) that an earlier run left`,
    );
    expect(isAlive(leftover)).toBe(false);
    second.process.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
  });

  it('refuses to start a second time on the same data while the first runs', async () => {
    const first = start();
    await first.waitFor(/fixture ready/);

    const second = start();
    expect(await second.exited).toEqual({ code: 1, signal: null });
    expect(second.output()).toContain(
      `is in use by process ${first.process.pid} (another \`npm start\` or test run)`,
    );

    first.process.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });
  });

  it('says so, and starts nothing, when EMBEDDED_POSTGRES_PORT is taken', async () => {
    const taken = await new Promise<Server>((done) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => done(server));
    });
    try {
      const port = (taken.address() as AddressInfo).port;
      const launched = start({ EMBEDDED_POSTGRES_PORT: String(port) });
      expect(await launched.exited).toEqual({ code: 1, signal: null });
      expect(launched.output()).toContain(
        `Port ${port} on 127.0.0.1 is taken by another program, so the embedded PostgreSQL cannot listen on it. ` +
          'Set EMBEDDED_POSTGRES_PORT to a free port',
      );
      expect(launched.output()).not.toContain('fixture ready');
    } finally {
      await new Promise((done) => taken.close(done));
    }
  });

  it('with DATABASE_URL set runs the application in its own process against that server', async () => {
    const launched = start({ DATABASE_URL: adminUrlOfTestServer() });
    const [, appPid] = await launched.waitFor(/fixture ready pid=(\d+)/);
    expect(Number(appPid)).toBe(launched.process.pid);
    expect(launched.output()).toContain('DATABASE_URL is set: using the PostgreSQL server at');
    expect(launched.output()).not.toContain('embedded PostgreSQL');
    launched.process.kill('SIGTERM');
    await launched.exited;
  });
});

// The server the integration tests run on (the global set-up found or started it).
function adminUrlOfTestServer(): string {
  const url = new URL(
    process.env.TEST_DATABASE_URL ??
      process.env.DATABASE_URL ??
      'postgres://postgres:postgres@127.0.0.1:5432/postgres',
  );
  url.pathname = '/postgres';
  return url.toString();
}
