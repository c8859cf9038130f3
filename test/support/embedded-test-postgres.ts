import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedPostgres, stopServerIn } from '@shiming/common/database/embedded';

// A PostgreSQL for one test run on a machine that has none: started by the global
// set-up in a folder of its own, stopped and removed by the global teardown. A run
// that was killed leaves its folder (and maybe its server), removed by the next run.
const PREFIX = 'shiming-test-postgres-';
const DIRECTORY_VARIABLE = 'SHIMING_TEST_EMBEDDED_POSTGRES';
// A folder this young without an owner may be another run's, still starting.
const UNCLAIMED_GRACE_MS = 60_000;

let running: EmbeddedPostgres | undefined;

export async function startTestPostgres(): Promise<void> {
  await removeLeftovers();
  const server = await EmbeddedPostgres.start({
    directory: await mkdtemp(join(tmpdir(), PREFIX)),
    // Throwaway data: durability buys nothing here and costs every commit.
    settings: {
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
      max_connections: '300',
    },
  });
  running = server;
  process.env.TEST_DATABASE_URL = server.url('shiming_test');
  process.env[DIRECTORY_VARIABLE] = server.directory;
  console.log(
    `\nNo PostgreSQL answers on 127.0.0.1:5432 and TEST_DATABASE_URL is not set: the tests ` +
      `run on an embedded PostgreSQL ${server.serverVersion} in ${server.directory} ` +
      '(removed at the end of the run).\n',
  );
}

export async function stopTestPostgres(): Promise<void> {
  const directory = process.env[DIRECTORY_VARIABLE];
  if (!directory) return;
  delete process.env[DIRECTORY_VARIABLE];
  delete process.env.TEST_DATABASE_URL;
  if (running) await running.stop();
  else await stopServerIn(directory);
  running = undefined;
  await rm(directory, { recursive: true, force: true });
}

async function removeLeftovers(): Promise<void> {
  const names = await readdir(tmpdir()).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.startsWith(PREFIX))) {
    const directory = join(tmpdir(), name);
    const owner = Number(await readFile(join(directory, 'owner.pid'), 'utf8').catch(() => ''));
    if (owner ? isAlive(owner) : await isYoung(directory)) continue;
    await stopServerIn(directory);
    await rm(directory, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function isYoung(directory: string): Promise<boolean> {
  const info = await stat(directory).catch(() => null);
  return info !== null && Date.now() - info.mtimeMs < UNCLAIMED_GRACE_MS;
}
