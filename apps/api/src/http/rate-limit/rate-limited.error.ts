import { DomainError } from '@shiming/common';

/** Too many requests from this IP address, account or service client (429, `Retry-After`). */
export class RateLimitedError extends DomainError {
  readonly code = 'rate_limited';
  readonly status = 429;

  constructor(readonly retryAfterSeconds: number) {
    super(`Too many requests; retry after ${retryAfterSeconds} seconds.`, { retryAfterSeconds });
  }
}
