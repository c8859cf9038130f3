import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { redactUrlQuery } from './logger-options';

// Probes hit these every few seconds; their access lines would drown the rest.
const QUIET_PATHS = /^\/health(\/|$)/;

/**
 * One line per answered request: method, URL (a query's personal values masked),
 * status, time taken in ms and the correlation id; no headers, no body. Health probes are not logged. Written by the HTTP platform once the answer is
 * sent; a 5xx is logged as an error.
 */
export function logAccess(
  logger: Logger | undefined,
  request: IncomingMessage & { id?: unknown },
  statusCode: number,
  responseTimeMs: number,
): void {
  if (!logger || QUIET_PATHS.test(request.url ?? '')) return;
  const level = statusCode >= 500 ? 'error' : 'info';
  if (!logger.isLevelEnabled(level)) return;
  logger[level](
    {
      ...(typeof request.id === 'string' ? { correlationId: request.id } : {}),
      method: request.method,
      url: redactUrlQuery(request.url ?? ''),
      statusCode,
      responseTime: Math.round(responseTimeMs),
    },
    'request completed',
  );
}
