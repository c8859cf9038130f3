import { spawn } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import pino, { stdTimeFunctions } from 'pino';
import { redactUrl } from '../../config/config';
import { EmbeddedPostgres } from './embedded-postgres';
import { loadLauncherConfig } from './launcher-config';

/** The application's database on the embedded server (created by the application). */
export const EMBEDDED_DATABASE = 'shiming';

// After the first SIGINT or SIGTERM the application has this long to stop (the worker
// gives active jobs 30 s) before it is killed.
const APP_STOP_TIMEOUT_MS = 40_000;
// npm and the terminal both pass on one Ctrl-C; a second one later means "now".
const REPEAT_SIGNAL_MS = 1_000;
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Runs an entry point of the application (`apps/api/src/main.ts`, …) with its
 * database: with `DATABASE_URL` set, in this process against that server, as always;
 * without it, in a child process over an embedded PostgreSQL that this process
 * starts first and stops last — after the application has stopped, on Ctrl-C or
 * SIGTERM, or when it crashes. A server left by a launcher that was killed outright
 * is stopped at the next start.
 */
export async function launch(
  entry: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const config = loadLauncherConfig(env);
  const logger = pino({
    level: config.logLevel,
    timestamp: stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  }).child({ context: 'Database' });

  if (config.mode === 'server') {
    logger.info(
      `DATABASE_URL is set: using the PostgreSQL server at ${redactUrl(config.databaseUrl)}`,
    );
    // The application in this very process, exactly as without the launcher.
    await import(path.resolve(entry));
    return;
  }

  const started = performance.now();
  const server = await EmbeddedPostgres.start({
    directory: path.join(config.dataDirectory, 'postgres'),
    ...(config.port ? { port: config.port } : {}),
    ...(config.user ? { user: config.user } : {}),
    log: (message) => logger.info(message),
  });
  const reset = [config.dataDirectory, server.directory]
    .filter((folder, i, all) => i === 0 || !isInside(folder, all[0]!))
    .map((folder) => `${shortPath(folder)}/`)
    .join(' and ');
  logger.info(
    `No DATABASE_URL: embedded PostgreSQL ${server.serverVersion} on 127.0.0.1:${server.port} ` +
      `(pid ${server.pid}, ready in ${Math.round(performance.now() - started)} ms), ` +
      `data in ${server.dataDirectory}, documents in ${config.documentsRoot}. ` +
      `To start from empty data, stop Shiming and delete ${reset}. ` +
      'Set DATABASE_URL to use a PostgreSQL server instead.',
  );

  const child = spawn(
    process.execPath,
    [...process.execArgv, '--require', require.resolve('./exit-with-launcher'), entry, ...args],
    {
      // A group of its own: a signal reaches it once, through this process.
      detached: true,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: {
        ...env,
        DATABASE_URL: server.url(EMBEDDED_DATABASE),
        DOCUMENTS_ROOT: config.documentsRoot,
      },
    },
  );

  let stopping: { signal: NodeJS.Signals; at: number } | undefined;
  let serverStopped = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (!stopping) {
      stopping = { signal, at: Date.now() };
      logger.info(`Received ${signal}: stopping the application, then PostgreSQL`);
      child.kill(signal);
      setTimeout(() => {
        logger.warn(
          `The application did not stop within ${APP_STOP_TIMEOUT_MS / 1000} s; killing it`,
        );
        child.kill('SIGKILL');
      }, APP_STOP_TIMEOUT_MS).unref();
    } else if (Date.now() - stopping.at > REPEAT_SIGNAL_MS) {
      logger.warn(`Received ${signal} again: stopping the application at once`);
      child.kill('SIGKILL');
    }
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  // This process ending any other way (an exception) still stops both.
  process.once('exit', () => {
    if (serverStopped) return;
    child.kill('SIGTERM');
    server.stopWithoutWaiting();
  });

  const outcome = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
    (resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.once('error', (error) => {
        logger.error(`Could not start the application: ${error.message}`);
        resolve({ code: 1, signal: null });
      });
    },
  );
  const ending = outcome.signal ? `signal ${outcome.signal}` : `exit code ${outcome.code}`;
  if (stopping) logger.info(`The application stopped (${ending}); stopping PostgreSQL`);
  else logger.error(`The application ended on its own (${ending}); stopping PostgreSQL`);
  await server.stop();
  serverStopped = true;
  logger.info('Embedded PostgreSQL stopped');
  for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
  process.exit(exitCode(outcome, stopping?.signal));
}

function isInside(folder: string, parent: string): boolean {
  const relative = path.relative(parent, folder);
  return !relative.startsWith('..') && !path.isAbsolute(relative);
}

// Relative to the working folder when inside it, as a person would type it.
function shortPath(folder: string): string {
  return isInside(folder, process.cwd()) ? path.relative(process.cwd(), folder) || '.' : folder;
}

// A stop that was asked for and went as planned is a success: the application exits
// by the signal it was sent (Nest re-raises it) or with 0.
function exitCode(
  outcome: { code: number | null; signal: NodeJS.Signals | null },
  requested: NodeJS.Signals | undefined,
): number {
  if (requested && (outcome.code === 0 || outcome.signal === requested)) return 0;
  if (outcome.signal) return 128 + (os.constants.signals[outcome.signal] ?? 0);
  return outcome.code || 1;
}
