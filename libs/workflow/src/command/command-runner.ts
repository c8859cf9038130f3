import { DataSource, EntityManager } from 'typeorm';
import { v5 as uuidv5 } from 'uuid';
import {
  AppendResult,
  EventMetadata,
  EventStore,
  WrongExpectedVersionError,
} from '@shiming/event-store';
import { Decider, DomainEvent, fold } from './decider';

export interface RunCommand<State, Command, Event extends DomainEvent> {
  streamId: string;
  decider: Decider<State, Command, Event>;
  command: Command;
  /**
   * Identifies this command across retries (an idempotency key, a timer's id and
   * generation). Event ids derive from it, so running the same command twice cannot
   * store its events twice.
   */
  commandId: string;
  metadata: EventMetadata;
  /** Run inside the caller's transaction (a timer firing, a process manager). */
  transaction?: EntityManager;
  /**
   * Writes that must commit with the events (timers, outbox rows), run in the same
   * transaction after the append succeeds. `state` is the state after the new events,
   * `before` the state they were decided on.
   */
  withEvents?: (tx: EntityManager, events: Event[], state: State, before: State) => Promise<void>;
}

export interface CommandOutcome<State, Event extends DomainEvent> {
  /** The state the command was decided on (the last attempt's). */
  before: State;
  state: State;
  /** The stream's version after the command (its number of events). */
  version: number;
  events: Event[];
  /** Null when the command decided nothing should happen. */
  append: AppendResult | null;
}

/** A conflict in the writes that go with a command's events, inside a caller's transaction. */
export class SideWriteConflictError extends Error {
  readonly code = 'version_conflict';
  readonly status = 409;

  constructor(override readonly cause: WrongExpectedVersionError) {
    super(`A write that goes with the events met a concurrent change: ${cause.message}`);
    this.name = 'SideWriteConflictError';
  }
}

// A fixed namespace for deterministic event ids (uuid v5 of command id and index).
const EVENT_ID_NAMESPACE = '2f1b7c55-6a0e-4d8e-9a51-3c7e7f0b9d21';

export function eventIdFor(commandId: string, streamId: string, index: number): string {
  return uuidv5(`${commandId}|${streamId}|${index}`, EVENT_ID_NAMESPACE);
}

/**
 * Loads a stream, lets the decider decide, and appends the result at the version it
 * read. A concurrent writer makes the append fail; the command is then decided again
 * on the new state, a bounded number of times, before the conflict reaches the caller.
 */
export class CommandRunner {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly maxRetries: number,
  ) {}

  async run<State, Command, Event extends DomainEvent>(
    request: RunCommand<State, Command, Event>,
  ): Promise<CommandOutcome<State, Event>> {
    for (let attempt = 0; ; attempt++) {
      try {
        return request.transaction
          ? await this.attempt(request, request.transaction)
          : await this.dataSource.transaction((tx) => this.attempt(request, tx));
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError) || attempt >= this.maxRetries)
          throw error;
      }
    }
  }

  private async attempt<State, Command, Event extends DomainEvent>(
    request: RunCommand<State, Command, Event>,
    tx: EntityManager,
  ): Promise<CommandOutcome<State, Event>> {
    const { decider, streamId } = request;
    const stored = await this.store.readStream(streamId, 1, { transaction: tx });
    const state = fold(
      decider,
      stored.map((e) => ({ type: e.type, data: e.data }) as Event),
    );
    const version = stored.length ? stored[stored.length - 1].streamVersion : 0;
    const events = decider.decide(request.command, state);
    if (events.length === 0) return { before: state, state, version, events, append: null };
    const append = await this.store.append(
      streamId,
      version === 0 ? 'no_stream' : version,
      events.map((event, index) => ({
        id: eventIdFor(request.commandId, streamId, index),
        type: event.type,
        data: event.data,
      })),
      { metadata: request.metadata, transaction: tx },
    );
    const next = events.reduce((s, e) => decider.evolve(s, e), state);
    if (!append.duplicate && request.withEvents) {
      try {
        await request.withEvents(tx, events, next, state);
      } catch (error) {
        // In the caller's transaction this attempt's events stay written, so deciding
        // again there would find them and skip these writes: let the caller roll back.
        if (request.transaction && error instanceof WrongExpectedVersionError) {
          throw new SideWriteConflictError(error);
        }
        throw error;
      }
    }
    return { before: state, state: next, version: append.nextExpectedVersion, events, append };
  }
}
