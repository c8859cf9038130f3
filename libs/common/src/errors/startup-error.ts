import { ConfigError } from '../config';
import { ServiceUnreachableError } from '../database';
import { safeError } from '../logging/safe-error';

/**
 * Ends a process that could not start. Problems the operator can fix (bad
 * configuration, a service that does not answer) are printed as their message
 * alone; anything else keeps its stack for whoever has to debug it.
 */
export function exitOnStartupError(error: unknown): never {
  if (error instanceof ConfigError || error instanceof ServiceUnreachableError) {
    console.error(error.message);
  } else {
    // As the logs do: never a failed query's parameters or PostgreSQL's detail.
    console.error('Startup failed:', error instanceof Error ? safeError(error) : error);
  }
  process.exit(1);
}
