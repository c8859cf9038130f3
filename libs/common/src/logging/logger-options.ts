import type { IncomingMessage, ServerResponse } from 'node:http';
import { stdTimeFunctions, type LogFn } from 'pino';
import type { Options } from 'pino-http';
import type { AppConfig } from '../config';
import { currentCorrelationId, ensureCorrelationId } from './correlation-id';
import { safeError, serializeLoggedError } from './safe-error';
import { currentTraceIds } from '../tracing/trace-context';

export const REDACTED = '[redacted]';

/** Field names that hold personal data or secrets wherever they appear in a payload. */
export const PERSONAL_DATA_FIELDS: ReadonlySet<string> = new Set([
  'name',
  'idNumber',
  'cardNumber',
  'reservedMobile',
  'mobile',
  'paymentPassword',
  'password',
  'code',
  'amount',
  'accountToken',
]);

// Redacted anywhere in a log line: no other meaning is likely. `name`, `code` and
// `amount` are not among them, or every `err.name` and `err.code` would be lost.
const UNAMBIGUOUS_FIELDS: ReadonlySet<string> = new Set([
  'idNumber',
  'cardNumber',
  'reservedMobile',
  'mobile',
  'paymentPassword',
  'password',
  'accountToken',
]);

// Top-level keys under which our log lines carry payloads: request bodies and
// queries, commands, events, job data. Every personal field is redacted there.
const PAYLOAD_KEYS: ReadonlySet<string> = new Set([
  'body',
  'query',
  'params',
  'data',
  'payload',
  'command',
  'event',
  'events',
  'job',
]);

/** Header paths pino redacts (its `redact` option). */
export const REDACTED_HEADER_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
];

// Deep enough for our DTOs and events; also what stops a cycle.
const MAX_DEPTH = 8;

function isPlain(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * A copy of `value` with the listed fields replaced at any depth. Plain objects and
 * arrays are walked, and errors, made safe first (`safeError`: no query parameters,
 * no PostgreSQL detail); dates and buffers pass through as they are.
 */
export function redactFields(
  value: unknown,
  fields: ReadonlySet<string> = PERSONAL_DATA_FIELDS,
  depth = 0,
): unknown {
  if (depth > MAX_DEPTH) return value instanceof Error ? safeError(value) : value;
  if (Array.isArray(value)) return value.map((item) => redactFields(item, fields, depth + 1));
  if (value instanceof Error) return redactFields(safeError(value), fields, depth + 1);
  if (!isPlain(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    copy[key] = fields.has(key) ? REDACTED : redactFields(value[key], fields, depth + 1);
  }
  return copy;
}

/**
 * What pino writes for one call: payload keys lose every personal field, the rest
 * loses the unambiguous ones. pino's path-based `redact` has no recursive wildcard,
 * and enough wildcard paths to cover this made each line ~50x slower.
 */
export function redactLogObject(object: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(object)) {
    const value = object[key];
    if (UNAMBIGUOUS_FIELDS.has(key)) result[key] = REDACTED;
    else if (PAYLOAD_KEYS.has(key)) result[key] = redactFields(value, PERSONAL_DATA_FIELDS);
    else result[key] = redactFields(value, UNAMBIGUOUS_FIELDS);
  }
  return result;
}

/** Masks personal values in a query string (`?cardNumber=…`) before the URL is logged. */
export function redactUrlQuery(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const query = new URLSearchParams(url.slice(at + 1));
  for (const key of new Set(query.keys())) {
    if (PERSONAL_DATA_FIELDS.has(key)) query.set(key, REDACTED);
  }
  return `${url.slice(0, at)}?${query.toString()}`;
}

interface SerializedRequest {
  url?: unknown;
  query?: unknown;
  params?: unknown;
  [key: string]: unknown;
}

// pino-http hands over its own serialized request (not a plain object: it hides `raw`).
function serializeRequest(request: SerializedRequest): unknown {
  if (typeof request !== 'object' || request === null) return request;
  return {
    ...request,
    ...(typeof request.url === 'string' ? { url: redactUrlQuery(request.url) } : {}),
    ...('query' in request ? { query: redactFields(request.query) } : {}),
    ...('params' in request ? { params: redactFields(request.params) } : {}),
  };
}

/**
 * A line logged with an error and no message of its own takes the error's message as
 * `msg`, as it was before the error was made safe; it gets the safe message instead.
 */
function withSafeErrorMessage(this: unknown, args: Parameters<LogFn>, method: LogFn): void {
  const [first, ...rest] = args as unknown[];
  const error =
    first instanceof Error
      ? first
      : isPlain(first) && first.err instanceof Error
        ? first.err
        : undefined;
  if (!error || typeof rest[0] === 'string') {
    method.apply(this, args);
    return;
  }
  const object = first instanceof Error ? { err: first } : first;
  method.apply(this, [object, String(safeError(error).message), ...rest] as Parameters<LogFn>);
}

/** pino-http options: JSON lines, our level, redaction, and the correlation id. */
export function loggerOptions(
  config: Pick<AppConfig, 'logLevel'>,
): Options<IncomingMessage, ServerResponse> {
  return {
    level: config.logLevel,
    timestamp: stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
      log: redactLogObject,
    },
    redact: { paths: REDACTED_HEADER_PATHS, censor: REDACTED },
    mixin: () => {
      const correlationId = currentCorrelationId();
      return { ...(correlationId ? { correlationId } : {}), ...currentTraceIds() };
    },
    genReqId: (request, response) => ensureCorrelationId(request, response),
    // `formatters.log` has made every error safe already; this catches any it missed.
    serializers: { req: serializeRequest, err: serializeLoggedError },
    hooks: { logMethod: withSafeErrorMessage },
    customLogLevel: (_request, response, error) =>
      error || response.statusCode >= 500 ? 'error' : 'info',
  };
}
