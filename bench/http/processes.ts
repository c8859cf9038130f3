import { type ChildProcess, fork, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// Every process this section starts, so that each is stopped whatever happens:
// the end of the section, a failure, Ctrl-C or a SIGTERM to the bench.
const running = new Set<ChildProcess>();
const STOP_GRACE_MS = 10_000;

function track(child: ChildProcess): ChildProcess {
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** Stops one process: SIGTERM, then SIGKILL if it is still there after the grace. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map(stop));
}

/**
 * Runs `cleanup` at the end of `work`, and also when the bench is interrupted (the
 * processes it started are stopped first), then exits.
 */
export async function withCleanup<T>(
  cleanupOnce: () => Promise<void>,
  work: () => Promise<T>,
): Promise<T> {
  let cleaning: Promise<void> | undefined;
  const cleanup = () => (cleaning ??= cleanupOnce());
  const interrupted = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: stopping the processes the bench started…`);
    stopAll()
      .then(cleanup)
      .catch((error: unknown) => console.error(error))
      .finally(() => process.exit(130));
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.once(signal, interrupted);
  try {
    return await work();
  } finally {
    for (const signal of signals) process.off(signal, interrupted);
    await stopAll();
    await cleanup();
  }
}

export { freePort } from '../../test/support/processes';

/** A built service (`node dist/…/main.js`), its output in a log file of its own. */
export interface Service {
  name: string;
  child: ChildProcess;
  logFile: string;
  /** The end of its log, for a failure message. */
  logTail(lines?: number): string;
  /** Error lines logged since the last call: how many, and the first one's message. */
  newErrors(): { count: number; first?: string };
}

export function startService(
  name: string,
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  logDirectory: string,
): Service {
  const logFile = join(logDirectory, `${name}.log`);
  // Written by the kernel straight to the file, as a production log collector reads
  // standard output: the bench process does not carry the service's log lines.
  const fd = openSync(logFile, 'a');
  // BENCH_SERVICE_NODE_ARGS: Node's own options for the services, for profiling them
  // under the load (a `--require` of a profiler, say; NODE_OPTIONS takes fewer).
  const nodeArgs = (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = track(
    spawn(process.execPath, [...nodeArgs, script, ...args], {
      env,
      stdio: ['ignore', fd, fd],
    }),
  );
  closeSync(fd);
  let seen = 0;
  return {
    name,
    child,
    logFile,
    newErrors: () => {
      const lines = readFileSync(logFile, 'utf8').split('\n');
      const errors = lines.slice(seen).filter((line) => line.includes('"level":"error"'));
      seen = lines.length - 1;
      return { count: errors.length, first: errors[0] && messageOf(errors[0]) };
    },
    logTail: (lines = 20) => {
      try {
        return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '(no log)';
      }
    },
  };
}

function messageOf(line: string): string {
  try {
    return String((JSON.parse(line) as { msg?: unknown }).msg);
  } catch {
    return line;
  }
}

/** Throws with the end of its log if the service has exited. */
export function assertAlive(service: Service): void {
  if (service.child.exitCode !== null || service.child.signalCode !== null) {
    throw new Error(
      `${service.name} exited (${service.child.exitCode ?? service.child.signalCode}):\n${service.logTail()}`,
    );
  }
}

/** Waits until `url` answers 200, or fails with the service's log. */
export async function waitForHttp(service: Service, url: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    assertAlive(service);
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      throw new Error(`${service.name} did not answer ${url} in time:\n${service.logTail()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Messages between the bench and a child process of its own (bench/http/*.child.ts). */
export type ChildMessage<O> =
  | { type: 'ready'; port: number }
  | { type: 'result'; result: O }
  | { type: 'error'; message: string };

/**
 * Forks `file` (TypeScript, loaded the way this process was), sends it `input` and
 * resolves with its result. A load generator or a server of its own runs there, so
 * that it shares no event loop with the bench or with each other.
 */
export function forkChild(file: string): ChildProcess {
  return track(fork(join(__dirname, file), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
}

export function runChild<I, O>(file: string, input: I, timeoutMs: number): Promise<O> {
  const child = forkChild(file);
  return new Promise<O>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${file} took longer than ${timeoutMs} ms`));
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('message', (message: ChildMessage<O>) => {
      if (message.type === 'result') resolve(message.result);
      if (message.type === 'error') reject(new Error(`${file}: ${message.message}`));
      clearTimeout(timer);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited (${code ?? signal}) without a result`));
    });
    child.send(input as object);
  });
}

/** Waits for a forked server's `ready` message and returns its port. */
export function childPort(child: ChildProcess, timeoutMs = 30_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('child server did not start')), timeoutMs);
    child.once('message', (message: ChildMessage<never>) => {
      clearTimeout(timer);
      if (message.type === 'ready') resolve(message.port);
      else reject(new Error(`child server: ${JSON.stringify(message)}`));
    });
    child.once('exit', (code) => reject(new Error(`child server exited (${code})`)));
  });
}

/**
 * Runs `work` in a child: the input comes by IPC, the result goes back the same way,
 * and the child exits (open keep-alive sockets would keep it up otherwise).
 */
export function serveChild<I, O>(work: (input: I) => Promise<O>): void {
  const reply = (message: ChildMessage<O>) =>
    process.send?.(message, undefined, {}, () => process.exit(0));
  process.once('message', (input: I) => {
    work(input).then(
      (result) => reply({ type: 'result', result }),
      (error: unknown) =>
        reply({
          type: 'error',
          message: error instanceof Error ? (error.stack ?? error.message) : String(error),
        }),
    );
  });
}

/** CPU seconds (user + system) a process has used so far, from /proc; null elsewhere. */
export function cpuSecondsOf(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

// USER_HZ, which Linux reports /proc times in: 100 on every mainstream architecture.
const CLOCK_TICKS = 100;
