/** A live timer of this kind (and key) already exists on the stream. */
export class TimerAlreadyScheduledError extends Error {
  readonly code = 'timer_already_scheduled';

  constructor(
    readonly streamId: string,
    readonly kind: string,
    readonly key: string,
  ) {
    super(
      `A ${kind} timer${key ? ` (key ${JSON.stringify(key)})` : ''} is already scheduled on ${streamId}`,
    );
    this.name = 'TimerAlreadyScheduledError';
  }
}

/** The timer id is taken by a different timer. */
export class TimerIdConflictError extends Error {
  readonly code = 'timer_id_conflict';

  constructor(readonly timerId: string) {
    super(`Timer id ${timerId} is already used by another timer`);
    this.name = 'TimerIdConflictError';
  }
}

export class TimerNotFoundError extends Error {
  readonly code = 'timer_not_found';

  constructor(readonly target: string) {
    super(`No timer to re-arm: ${target}`);
    this.name = 'TimerNotFoundError';
  }
}

/** Timers of these kinds exist (or are firing) but no handler is registered for them. */
export class MissingTimerHandlerError extends Error {
  readonly code = 'missing_timer_handler';

  constructor(readonly kinds: string[]) {
    super(`No timer handler registered for kind(s): ${kinds.join(', ')}`);
    this.name = 'MissingTimerHandlerError';
  }
}

export class DuplicateTimerHandlerError extends Error {
  readonly code = 'duplicate_timer_handler';

  constructor(readonly kind: string) {
    super(`A timer handler for kind ${kind} is already registered`);
    this.name = 'DuplicateTimerHandlerError';
  }
}
