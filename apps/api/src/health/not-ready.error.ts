import { DomainError } from '@shiming/common';

/** A dependency of the service does not answer: take it out of rotation. */
export class NotReadyError extends DomainError {
  readonly code = 'not_ready';
  readonly status = 503;

  constructor(checks: Record<string, { status: string }>) {
    const down = Object.keys(checks).filter((name) => checks[name].status !== 'up');
    super(`Not ready: ${down.join(', ') || 'a dependency'} down.`, { checks });
  }
}
