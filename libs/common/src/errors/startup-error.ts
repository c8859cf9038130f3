import { ConfigError } from '../config';
import { ServiceUnreachableError } from '../database';

/**
 * Ends a process that could not start. Problems the operator can fix (bad
 * configuration, a service that does not answer) are printed as their message
 * alone; anything else keeps its stack for whoever has to debug it.
 */
export function exitOnStartupError(error: unknown): never {
  if (error instanceof ConfigError || error instanceof ServiceUnreachableError) {
    console.error(error.message);
  } else {
    console.error('Startup failed:', error);
  }
  process.exit(1);
}
