import type { ExpectedVersion } from './event-store.types';

/** Optimistic concurrency failure: the stream is not at the version the caller expected. */
export class WrongExpectedVersionError extends Error {
  readonly code = 'version_conflict';
  readonly status = 409;

  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number | null,
  ) {
    super(`Stream ${streamId} is at version ${actual ?? 'none'}, expected ${String(expected)}`);
    this.name = 'WrongExpectedVersionError';
  }
}

/** An event id that is already stored, but in another stream or with another position. */
export class DuplicateEventIdError extends Error {
  readonly code = 'duplicate_event_id';
  readonly status = 409;

  constructor(readonly eventIds: string[]) {
    super(`Event ids already used elsewhere: ${eventIds.join(', ')}`);
    this.name = 'DuplicateEventIdError';
  }
}

export class UnknownEventTypeError extends Error {
  readonly code = 'unknown_event_type';
  readonly status = 500;

  constructor(readonly type: string) {
    super(`No event type registered as "${type}"`);
    this.name = 'UnknownEventTypeError';
  }
}
