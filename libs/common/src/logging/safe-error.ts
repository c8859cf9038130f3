export const REDACTED_VALUE = '[redacted]';

// Fields that carry the values of a failed query: TypeORM's `parameters` (and the
// driver's error it keeps), and PostgreSQL's `detail` ("Key (mobile)=(139…) already
// exists", "Failing row contains (…)") and `where` (the statement of a PL/pgSQL
// context). The SQL text itself (`query`) has placeholders only, and stays.
const VALUE_FIELDS: ReadonlySet<string> = new Set(['parameters', 'driverError', 'detail', 'where']);

const SQLSTATE = /^[0-9A-Z]{5}$/;
// Deep enough for a cause or two; also what stops a cycle.
const MAX_DEPTH = 4;

type ErrorFields = Error & Record<string, unknown>;

/** An error PostgreSQL answered (raw from the driver, or wrapped by TypeORM). */
export function isDatabaseError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const fields = error as ErrorFields;
  return (
    typeof fields.code === 'string' &&
    SQLSTATE.test(fields.code) &&
    (typeof fields.severity === 'string' || 'driverError' in fields)
  );
}

/**
 * The message without the values PostgreSQL quotes in it. Only data exceptions
 * (SQLSTATE class 22) quote a value ("invalid input syntax for type integer: "…"",
 * "value "…" is out of range"); other messages name constraints, columns and types.
 */
function safeMessage(error: ErrorFields): string {
  const message = String(error.message);
  if (!isDatabaseError(error) || !(error.code as string).startsWith('22')) return message;
  return message
    .replace(/"(?:[^"]|"")*"/g, `"${REDACTED_VALUE}"`)
    .replace(/: (?!"\[redacted\]")[^"]*$/, `: ${REDACTED_VALUE}`);
}

function safeStack(error: ErrorFields, message: string): string | undefined {
  const stack = typeof error.stack === 'string' ? error.stack : undefined;
  return stack && message !== error.message ? stack.split(error.message).join(message) : stack;
}

/**
 * Takes the values of a failed query out of a database error in place: PostgreSQL's
 * `detail` and `where` go, a quoted value in the message (and stack) is masked. For
 * the one place every failed query passes before it travels on (TypeORM's logger),
 * so that no log line, stored failure reason or message built from it carries them.
 */
export function scrubDatabaseError(error: unknown): void {
  if (!(error instanceof Error)) return;
  const fields = error as ErrorFields;
  if (!isDatabaseError(fields)) return;
  delete fields.detail;
  delete fields.where;
  const message = safeMessage(fields);
  if (message === fields.message) return;
  fields.stack = safeStack(fields, message);
  fields.message = message;
}

/**
 * An error as a log line shows it (`type`, `message`, `stack`, its own fields, its
 * cause), like pino's error serializer but without the values of a failed query,
 * whatever error carries them and however deep.
 */
export function safeError(error: Error, depth = 0): Record<string, unknown> {
  const fields = error as ErrorFields;
  const message = safeMessage(fields);
  const serialized: Record<string, unknown> = {
    type: error.constructor?.name || error.name,
    message,
    stack: safeStack(fields, message),
  };
  const nested = (value: unknown): unknown =>
    value instanceof Error
      ? depth < MAX_DEPTH
        ? safeError(value, depth + 1)
        : { type: value.constructor?.name, message: '[too deep]' }
      : value;
  // `for…in`, as pino's serializer: own and inherited enumerable fields.
  for (const key in fields) {
    if (VALUE_FIELDS.has(key) || key in serialized || key === 'cause') continue;
    const value = fields[key];
    if (typeof value === 'function') continue;
    serialized[key] = Array.isArray(value) ? value.map(nested) : nested(value);
  }
  if (error.cause !== undefined) serialized.cause = nested(error.cause);
  if (error instanceof AggregateError && Array.isArray(error.errors)) {
    serialized.aggregateErrors = error.errors.map(nested);
  }
  return serialized;
}

/** pino's `err` serializer: errors made safe; anything else (already safe) as it is. */
export function serializeLoggedError(value: unknown): unknown {
  return value instanceof Error ? safeError(value) : value;
}
