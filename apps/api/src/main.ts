// First: tracing must start before the modules it instruments load.
import './tracing';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  ensureDatabase,
  ensureRedis,
  exitOnStartupError,
  loadConfig,
  Metrics,
  startInternalServer,
  warnOfDevelopmentKeys,
} from '@shiming/common';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { configureApp, createHttpAdapter } from './app.setup';
import { closeGracefully } from './http/graceful-shutdown';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  // Checked before Nest starts so that a missing service is one clear line, not a stack.
  await ensureDatabase(config.databaseUrl);
  if (config.redisUrl) await ensureRedis(config.redisUrl);
  const withWorker = process.argv.includes('--with-worker');
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, { withWorker }),
    createHttpAdapter(config),
    { bufferLogs: true, bodyParser: false, abortOnError: false },
  );
  configureApp(app);
  warnOfDevelopmentKeys(config, app.get(Logger));
  // SIGTERM drains, closes and exits (deploys lose no request); see closeGracefully.
  closeGracefully(
    app,
    { drainMs: config.http.shutdownDrainMs, timeoutMs: config.http.shutdownTimeoutMs },
    app.get(Logger),
  );
  // Every interface, as Express listened by default (Fastify's default is localhost only).
  await app.listen(config.port, '0.0.0.0');
  // Metrics on a port of their own, which the public load balancer does not expose.
  if (config.ops.metricsPort > 0) {
    await startInternalServer({
      port: config.ops.metricsPort,
      metrics: app.get(Metrics),
      metricsToken: config.ops.metricsToken,
    });
  }
  app
    .get(Logger)
    .log(
      `Listening on port ${config.port}${withWorker ? ' with the worker in-process' : ''}; ` +
        `API docs at /docs${config.sandbox ? '; sandbox enabled' : ''}` +
        (config.ops.metricsPort > 0 ? `; metrics on internal port ${config.ops.metricsPort}` : ''),
      'Bootstrap',
    );
}

bootstrap().catch(exitOnStartupError);
