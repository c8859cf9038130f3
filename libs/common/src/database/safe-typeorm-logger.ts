import { Logger as NestLogger } from '@nestjs/common';
import type { Logger, LogLevel } from 'typeorm';
import { scrubDatabaseError } from '../logging/safe-error';

type Sink = Pick<NestLogger, 'log' | 'warn' | 'error' | 'debug'>;

/**
 * TypeORM's logger, writing through Nest's (so through pino), that never prints a
 * query's parameters: a statement is logged with its placeholders and the number of
 * values. TypeORM hands every failed query's driver error to `logQueryError` before
 * wrapping it in a QueryFailedError, whatever the levels: the values PostgreSQL put
 * in it (`detail`, `where`, a quoted value in the message) are taken out right there,
 * so that no later log line, stored failure reason or message carries them.
 */
export class SafeTypeOrmLogger implements Logger {
  constructor(
    private readonly levels: readonly LogLevel[] = ['warn'],
    private readonly sink: Sink = new NestLogger('TypeORM'),
  ) {}

  logQuery(query: string, parameters?: unknown[]): void {
    if (this.levels.includes('query')) this.sink.debug(`${query}${counted(parameters)}`);
  }

  logQueryError(error: string | Error, query: string, parameters?: unknown[]): void {
    scrubDatabaseError(error);
    if (!this.levels.includes('error')) return;
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    this.sink.error(`Query failed (${reason}): ${query}${counted(parameters)}`);
  }

  logQuerySlow(time: number, query: string, parameters?: unknown[]): void {
    if (this.levels.includes('warn')) {
      this.sink.warn(`Query took ${time} ms: ${query}${counted(parameters)}`);
    }
  }

  logSchemaBuild(message: string): void {
    if (this.levels.includes('schema')) this.sink.log(message);
  }

  logMigration(message: string): void {
    if (this.levels.includes('migration')) this.sink.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (!this.levels.includes(level)) return;
    if (level === 'warn') this.sink.warn(String(message));
    else this.sink.log(String(message));
  }
}

function counted(parameters: unknown[] | undefined): string {
  return parameters?.length ? ` -- ${parameters.length} parameter(s), not shown` : '';
}
