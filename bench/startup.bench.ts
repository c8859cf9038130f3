import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';

const ROOT = resolve(__dirname, '..');
const RESTARTS = Number(process.env.BENCH_STARTUP_RESTARTS ?? 3);
const READY_TIMEOUT_MS = 120_000;

interface Run {
  readyMs: number;
  postgresMs: number;
  stopMs: number;
}

/**
 * `npm start` in embedded mode (no DATABASE_URL), as a person runs it, from the
 * command to the first 200 of /health/ready: first on a new data folder (the cluster
 * is created and the schema migrated), then restarts on the data it left. Each run is
 * stopped with SIGTERM, timed until npm has exited with the server stopped.
 */
export async function benchStartup(): Promise<void> {
  console.log('\n## Start-up of `npm start` with the embedded PostgreSQL\n');
  const home = await mkdtemp(join(tmpdir(), 'shiming-bench-startup-'));
  // As a project folder: PostgreSQL's own user (when run as root) may enter it.
  await chmod(home, 0o755);
  try {
    const runs: [string, Run][] = [['new data folder', await startOnce(home)]];
    for (let i = 1; i <= RESTARTS; i++) runs.push([`restart ${i}`, await startOnce(home)]);
    console.log('| run | to /health/ready | of which PostgreSQL | stop (SIGTERM → exited) |');
    console.log('| --- | ---------------: | ------------------: | ----------------------: |');
    for (const [name, run] of runs) {
      console.log(
        `| ${name} | ${(run.readyMs / 1000).toFixed(2)} s | ${(run.postgresMs / 1000).toFixed(2)} s | ${(run.stopMs / 1000).toFixed(2)} s |`,
      );
    }
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

async function startOnce(home: string): Promise<Run> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    EMBEDDED_DATA_DIR: home,
    PORT: String(await freePort()),
    LOG_LEVEL: 'info',
    QUEUE_PREFIX: `shiming-bench-${randomUUID().slice(0, 8)}`,
  };
  delete env.DATABASE_URL;
  delete env.DOCUMENTS_ROOT;
  const started = performance.now();
  const npm = spawn('npm', ['start'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  npm.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  npm.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => npm.once('close', (code) => done(code)));
  let ended = false;
  void exited.then(() => (ended = true));

  const url = `http://127.0.0.1:${env.PORT}/health/ready`;
  for (;;) {
    if (ended) throw new Error(`npm start ended before it was ready:\n${output}`);
    if (performance.now() - started > READY_TIMEOUT_MS) {
      npm.kill('SIGKILL');
      throw new Error(`npm start was not ready within ${READY_TIMEOUT_MS / 1000} s:\n${output}`);
    }
    const ok = await fetch(url).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((done) => setTimeout(done, 20));
  }
  const readyMs = performance.now() - started;
  const postgresMs = Number(
    /PostgreSQL [\d.]+ on [^(]*\(pid \d+, ready in (\d+) ms/.exec(output)?.[1],
  );

  const stopping = performance.now();
  npm.kill('SIGTERM');
  const code = await exited;
  const stopMs = performance.now() - stopping;
  if (code !== 0) throw new Error(`npm start exited with ${code} after SIGTERM:\n${output}`);
  const lock = await readFile(join(home, 'postgres', 'data', 'postmaster.pid'), 'utf8').catch(
    () => '',
  );
  if (lock && isAlive(Number(lock.split('\n')[0]))) {
    throw new Error('PostgreSQL still runs after npm start exited');
  }
  return { readyMs, postgresMs, stopMs };
}

function freePort(): Promise<number> {
  return new Promise((done, failed) => {
    const server = createServer();
    server.once('error', failed);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => done(port));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
