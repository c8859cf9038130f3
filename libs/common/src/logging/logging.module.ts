import { DynamicModule, Module } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { AppConfig } from '../config';
import { loggerOptions } from './logger-options';

// Probes hit these every few seconds; their access lines would drown the rest.
const QUIET_PATHS = /^\/health(\/|$)/;

/**
 * JSON logs through pino for the whole application (use Nest's `Logger` with a
 * class-named context), with personal data redacted and the correlation id on
 * every line. An HTTP app also installs `correlationIdMiddleware` first thing
 * (`app.use`), so that the id is known even to requests refused by body parsing.
 */
@Module({})
export class LoggingModule {
  /** `destination`: where lines go instead of standard output (tests capture them). */
  static forRoot(
    config: Pick<AppConfig, 'logLevel'>,
    destination?: DestinationStream,
  ): DynamicModule {
    const options = {
      ...loggerOptions(config),
      autoLogging: { ignore: (request: IncomingMessage) => QUIET_PATHS.test(request.url ?? '') },
    };
    return {
      module: LoggingModule,
      imports: [LoggerModule.forRoot({ pinoHttp: destination ? [options, destination] : options })],
      exports: [LoggerModule],
    };
  }
}
