import type { Server, ServerResponse } from 'node:http';
import { Server as NetServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { INestApplication, LoggerService } from '@nestjs/common';
import { Shutdown } from '@shiming/common';

export interface ShutdownOptions {
  /** How long the api still serves after SIGTERM, each answer closing its connection. */
  drainMs: number;
  /** How long requests in flight may then take before their connections are cut. */
  timeoutMs: number;
}

// What Nest's own shutdown (modules, pools, queues) may take after the server closed.
const MODULES_CLOSE_MS = 5_000;
const REPEAT_SIGNAL_MS = 1_000;

/**
 * SIGTERM without losing a request: readiness turns red and long polls
 * answer at once (`Shutdown`); for `drainMs` the api still serves, each answer saying
 * `Connection: close`, so that no idle keep-alive connection is cut under a client
 * that is sending on it; then it stops listening, lets requests in flight finish for
 * up to `timeoutMs`, closes the application and exits. SIGINT and SIGHUP skip the
 * drain. A second signal, or the whole taking longer than its bounds, exits at once.
 */
export function closeGracefully(
  app: INestApplication,
  options: ShutdownOptions,
  logger: LoggerService,
): void {
  const server = app.getHttpServer() as Server;
  const shutdown = app.get(Shutdown);
  // Before the application's own listener: the header is set before any answer is.
  server.prependListener('request', (_request, response: ServerResponse) => {
    if (shutdown.begun) response.setHeader('Connection', 'close');
  });
  let closingSince: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closingSince !== undefined) {
      // One Ctrl-C may arrive twice (through npm and the terminal): only a later one counts.
      if (Date.now() - closingSince < REPEAT_SIGNAL_MS) return;
      logger.warn?.(`${signal} again: exiting now`, 'Shutdown');
      process.exit(1);
    }
    closingSince = Date.now();
    // SIGTERM is a deploy's or an orchestrator's: drain. Ctrl-C or a hang-up: close now.
    const drainMs = signal === 'SIGTERM' ? options.drainMs : 0;
    logger.log(
      `${signal}: draining for ${drainMs} ms, then closing (at most ${options.timeoutMs} ms for requests in flight)`,
      'Shutdown',
    );
    shutdown.begin();
    setTimeout(
      () => {
        logger.error('Shutdown took longer than its bounds: exiting', undefined, 'Shutdown');
        process.exit(1);
      },
      drainMs + options.timeoutMs + MODULES_CLOSE_MS,
    ).unref();
    void (async () => {
      await sleep(drainMs);
      await closeServer(server, options.timeoutMs);
      await app.close();
      logger.log('Closed', 'Shutdown');
      process.exit(0);
    })().catch((error: unknown) => {
      logger.error(error instanceof Error ? error.message : String(error), undefined, 'Shutdown');
      process.exit(1);
    });
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, onSignal);
}

/**
 * Stops listening, and waits up to `timeoutMs` for the open connections to end (each
 * does after its answer, which says `Connection: close`), then cuts the rest. Closed
 * as a plain `net.Server`: `http.Server#close` also cuts the connections it deems idle,
 * among them one just accepted whose request is not read yet, which its client would
 * see reset.
 */
async function closeServer(server: Server, timeoutMs: number): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) =>
    NetServer.prototype.close.call(server, () => resolve()),
  );
  const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
  await closed;
  clearTimeout(timer);
}
