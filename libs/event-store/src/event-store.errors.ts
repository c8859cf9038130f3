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

/** A read-your-writes token that is not one this store issued. */
export class InvalidPositionError extends Error {
  readonly code = 'invalid_position';
  readonly status = 400;

  constructor(readonly token: string) {
    super(`Not a log position: ${JSON.stringify(token.slice(0, 80))}`);
    this.name = 'InvalidPositionError';
  }
}

/** A subscriber's checkpoint moved under it; its batch is rolled back. */
export class CheckpointConflictError extends Error {
  readonly code = 'checkpoint_conflict';
  readonly status = 409;

  constructor(readonly subscription: string) {
    super(`Checkpoint of ${subscription} was moved by someone else`);
    this.name = 'CheckpointConflictError';
  }
}

export class UnknownProjectionError extends Error {
  readonly code = 'unknown_projection';
  readonly status = 404;

  constructor(readonly projection: string) {
    super(`No projection registered as "${projection}"`);
    this.name = 'UnknownProjectionError';
  }
}

/** Replaying a subscriber without `reset` would repeat its effects (a process manager). */
export class ProjectionNotRebuildableError extends Error {
  readonly code = 'projection_not_rebuildable';
  readonly status = 409;

  constructor(readonly projection: string) {
    super(`Projection ${projection} has no reset and cannot be rebuilt`);
    this.name = 'ProjectionNotRebuildableError';
  }
}

/**
 * Thrown by a subscriber whose batch cannot be done yet (it waits on work another
 * process is doing): the batch is rolled back and tried again after `retryAfterMs`,
 * without counting as a failure, while the other subscribers go on.
 */
export class SubscriberNotReadyError extends Error {
  readonly code = 'subscriber_not_ready';
  readonly status = 503;

  constructor(
    readonly reason: string,
    readonly retryAfterMs = 100,
  ) {
    super(reason);
    this.name = 'SubscriberNotReadyError';
  }
}
