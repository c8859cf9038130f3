import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

export const CORRELATION_ID_HEADER = 'X-Correlation-Id';
export const REQUEST_ID_HEADER = 'X-Request-Id';

// A caller's id is kept only if it is short and plain: it ends up in every log line.
const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

interface CorrelationContext {
  correlationId: string;
}

const storage = new AsyncLocalStorage<CorrelationContext>();

/** The caller's correlation id (or request id) when acceptable, otherwise a new one. */
export function resolveCorrelationId(headers: IncomingHttpHeaders): string {
  for (const name of [CORRELATION_ID_HEADER, REQUEST_ID_HEADER]) {
    const value = headers[name.toLowerCase()];
    const candidate = Array.isArray(value) ? value[0] : value;
    if (candidate && ACCEPTABLE_ID.test(candidate)) return candidate;
  }
  return randomUUID();
}

type RequestWithId = IncomingMessage & { id?: unknown };

/**
 * Gives the request its correlation id once, and echoes it in the response. Both
 * the logging middleware and the context middleware call it, in either order.
 */
export function ensureCorrelationId(request: RequestWithId, response: ServerResponse): string {
  if (typeof request.id === 'string' && request.id) return request.id;
  const id = resolveCorrelationId(request.headers);
  request.id = id;
  if (!response.headersSent) response.setHeader(CORRELATION_ID_HEADER, id);
  return id;
}

/** Runs the rest of the request inside its correlation context. */
export function correlationIdMiddleware(
  request: RequestWithId,
  response: ServerResponse,
  next: () => void,
): void {
  storage.run({ correlationId: ensureCorrelationId(request, response) }, next);
}

/** The correlation id of the request or job being handled, if any. */
export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}

/** Runs work (a job, a subscription batch) under a correlation id it carries. */
export function runWithCorrelationId<T>(correlationId: string, work: () => T): T {
  return storage.run({ correlationId }, work);
}
