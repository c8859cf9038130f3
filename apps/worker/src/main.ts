// First: tracing must start before the modules it instruments load.
import './tracing';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import {
  ensureRedis,
  exitOnStartupError,
  loadConfig,
  Metrics,
  startInternalServer,
  warnOfDevelopmentKeys,
} from '@shiming/common';
import { Logger } from 'nestjs-pino';
import { ConfirmAppealDeadlines } from '@shiming/verification';
import { WorkerHealth } from './health/worker-health';
import { WorkerModule } from './worker.module';

// Time allowed for active jobs to finish after SIGTERM before the process gives up.
const SHUTDOWN_GRACE_MS = 30_000;

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  if (config.redisUrl) await ensureRedis(config.redisUrl);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    bufferLogs: true,
    abortOnError: false,
  });
  const logger = app.get(Logger);
  app.useLogger(logger);
  warnOfDevelopmentKeys(config, logger);

  const health = app.get(WorkerHealth);
  const internal =
    config.ops.metricsPort > 0
      ? await startInternalServer({
          port: config.ops.metricsPort,
          metrics: app.get(Metrics),
          metricsToken: config.ops.metricsToken,
          health: { live: () => health.live(), ready: () => health.ready() },
        })
      : null;

  // No HTTP server holds the event loop: stay up until told to stop.
  const keepAlive = setInterval(() => undefined, 60_000);
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.log(`Received ${signal}; finishing active work`, 'Worker');
    setTimeout(() => {
      logger.error(`Shutdown took longer than ${SHUTDOWN_GRACE_MS} ms; exiting`, 'Worker');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    clearInterval(keepAlive);
    Promise.all([internal?.close(), app.close()]).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error(error instanceof Error ? error : new Error(String(error)), 'Worker');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);

  logger.log(
    (config.redisUrl
      ? `Worker started (queue prefix "${config.queuePrefix}")`
      : 'Worker started without Redis (no REDIS_URL)') +
      (internal ? `; metrics and probes on internal port ${internal.port}` : ''),
    'Worker',
  );

  // The calendar's data is read at boot: a new HOLIDAYS_FILE or package may cover days
  // that open appeals counted provisionally. Every worker may run it; it acts once.
  app
    .get(ConfirmAppealDeadlines)
    .run()
    .catch((error: unknown) => {
      logger.error(error instanceof Error ? error : new Error(String(error)), 'Worker');
    });
}

bootstrap().catch(exitOnStartupError);
