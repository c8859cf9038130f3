import { DomainError } from '../errors/domain-error';

export class InvalidIdempotencyKeyError extends DomainError {
  readonly code = 'invalid_idempotency_key';
  readonly status = 422;
}

/** The key was first used with another request (method, path or body). */
export class IdempotencyKeyReusedError extends DomainError {
  readonly code = 'idempotency_key_reused';
  readonly status = 422;
}

/** The first request with this key has not answered yet; retry later. */
export class IdempotencyKeyInProgressError extends DomainError {
  readonly code = 'idempotency_key_in_progress';
  readonly status = 409;
}
