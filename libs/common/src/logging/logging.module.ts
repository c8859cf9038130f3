import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule, type Params } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { AppConfig } from '../config';
import { loggerOptions } from './logger-options';

/**
 * JSON logs through pino for the whole application (use Nest's `Logger` with a
 * class-named context), with personal data redacted and the correlation id on
 * every line. An HTTP app also installs `correlationIdMiddleware` first thing, so
 * that the id is known even to requests refused by body parsing, and writes its
 * access lines itself (`logAccess`, once the answer is sent) instead of pino-http's
 * middleware, which would wrap every request (see bench/README.md).
 */
@Module({})
export class LoggingModule {
  /** nestjs-pino's parameters: our options, and no access-log middleware. */
  static params(config: Pick<AppConfig, 'logLevel'>, destination?: DestinationStream): Params {
    const options = loggerOptions(config);
    return { pinoHttp: destination ? [options, destination] : options, forRoutes: [] };
  }

  /** `destination`: where lines go instead of standard output (tests capture them). */
  static forRoot(
    config: Pick<AppConfig, 'logLevel'>,
    destination?: DestinationStream,
  ): DynamicModule {
    return {
      module: LoggingModule,
      imports: [LoggerModule.forRoot(LoggingModule.params(config, destination))],
      exports: [LoggerModule],
    };
  }
}
