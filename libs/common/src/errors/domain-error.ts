/**
 * A failure the caller can act on, with a stable machine-readable `code` and the
 * HTTP status it maps to. Subclasses set both; `detail` is for humans and must not
 * carry personal data. `extras` become extra members of the problem document.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
  /** Short summary of the problem type; defaults to the HTTP status phrase. */
  readonly title?: string;

  constructor(
    readonly detail?: string,
    readonly extras: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  readonly code: string = 'not_found';
  readonly status = 404;
}

export class UnauthorizedError extends DomainError {
  readonly code: string = 'unauthorized';
  readonly status = 401;
}

export class ForbiddenError extends DomainError {
  readonly code: string = 'forbidden';
  readonly status = 403;
}

/** The request clashes with the current state of a resource. */
export class ConflictError extends DomainError {
  readonly code: string = 'conflict';
  readonly status = 409;
}

/** The step is not allowed in the process's current state. */
export class WrongStateError extends ConflictError {
  override readonly code: string = 'wrong_state';
}

/**
 * Anything thrown that looks like a DomainError without extending it: a string
 * `code` and an HTTP `status`. Lets lower layers (the event store) define their
 * errors without depending on this package.
 */
export interface CodedError {
  code: string;
  status: number;
  message?: string;
  detail?: unknown;
  title?: unknown;
  extras?: unknown;
}

export function isCodedError(value: unknown): value is CodedError {
  if (typeof value !== 'object' || value === null) return false;
  const { code, status } = value as { code?: unknown; status?: unknown };
  return (
    typeof code === 'string' &&
    code.length > 0 &&
    typeof status === 'number' &&
    Number.isInteger(status) &&
    status >= 400 &&
    status <= 599
  );
}
