import { DataSource, EntityManager } from 'typeorm';
import { v5 as uuidv5 } from 'uuid';
import {
  AfterCommit,
  ExpiringCache,
  inSpan,
  isDatabaseError,
  linkActiveSpan,
  renameActiveSpan,
} from '@shiming/common';
import {
  AlongsideWrite,
  AppendResult,
  EventMetadata,
  EventStore,
  NewEvent,
  RecordedEvent,
  WrongExpectedVersionError,
} from '@shiming/event-store';
import { Decider, DomainEvent, fold } from './decider';

/** The events a command appended, and the states around them. */
export interface Appended<State, Event> {
  events: Event[];
  /** The ids the events were stored under, in their order. */
  eventIds: string[];
  /** The state the command was decided on. */
  before: State;
  /** The state after the events. */
  after: State;
}

/**
 * What a command's events cause besides themselves (timers, outside calls, changes of
 * other records, messages to other contexts): decided as data by a pure function of the
 * domain, then applied in the command's transaction after the append, so that they
 * commit with the events or not at all. A repeated command causes nothing again.
 */
export interface EffectsHook<State, Event, Effects> {
  of(before: State, events: readonly Event[]): Effects;
  apply(tx: EntityManager, effects: Effects, appended: Appended<State, Event>): Promise<void>;
}

/**
 * A command made from the state the runner has just read, in its transaction: for a step
 * that must see the state before it decides what to ask (whether a guess may be checked
 * at all). Called again on every attempt, so it must give the same command for the same
 * state (or remember what it found out).
 */
export type CommandFromState<State, Command> = (
  state: State,
  tx: EntityManager,
) => Command | Promise<Command>;

export interface RunCommand<State, Command, Event extends DomainEvent, Effects = unknown> {
  streamId: string;
  decider: Decider<State, Command, Event>;
  command: Command | CommandFromState<State, Command>;
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
   * Decide on a read of the stream, never on a kept state: for a command made from the
   * state that asks an outside party something on its strength (checks a guess), which
   * a later refusal of the append could not take back.
   */
  readFirst?: boolean;
  /** What the events cause, applied with them. */
  effects?: EffectsHook<State, Event, Effects>;
  /**
   * A write made by the append's own statement, only if it stores the events (a read
   * model's row from the state after them): one round trip for both. `runMany` does
   * not make it; the outcome says whether it was made.
   */
  alongside?: (written: {
    after: State;
    version: number;
    events: readonly Event[];
  }) => AlongsideWrite;
}

export interface CommandOutcome<State, Event extends DomainEvent, Effects = unknown> {
  /** The state the command was decided on (the last attempt's). */
  before: State;
  state: State;
  /** The stream's version after the command (its number of events). */
  version: number;
  events: Event[];
  /** Null when the command decided nothing should happen. */
  append: AppendResult | null;
  /** What the events caused; null when nothing was appended, or for a repeat. */
  effects: Effects | null;
  /** True when the request's `alongside` write was made with the events. */
  alongsideWritten?: boolean;
}

/** Told how each command went, for metrics and traces; must not throw. */
export interface CommandObserver {
  observeCommand(observation: {
    command: string;
    seconds: number;
    outcome: 'appended' | 'unchanged' | 'failed';
    eventTypes: readonly string[];
  }): void;
  commandRetried(command: string): void;
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

/**
 * Streams whose state this process committed last, decided on without reading them
 * again: most commands on a stream follow one another in the same process (a user's
 * steps, the answers of their outside calls). Only committed states are kept. The
 * append at the kept version is the check: if any other writer moved the stream, it is
 * refused, the entry dropped, and the command decided again on a read. A command that
 * a kept state refuses or leaves unchanged is decided again on a read too, so no
 * answer rests on a state the log may have moved past. A command that asks an outside
 * party on the strength of the state (`readFirst`) is always decided on a read.
 */
export interface StateCacheOptions {
  /** Streams kept at most; 0 turns the cache off. */
  size: number;
  /** How long a kept state is used, from its commit. */
  ttlMs: number;
}

interface KeptState {
  decider: unknown;
  state: unknown;
  version: number;
  /** The metadata of the stream's last event, for the command's span to link to. */
  last?: EventMetadata;
}

/** A command decided on a kept state was refused or changed nothing: decide it on a read. */
class KeptStateRefusedError extends Error {}

// A fixed namespace for deterministic event ids (uuid v5 of command id and index).
const EVENT_ID_NAMESPACE = '2f1b7c55-6a0e-4d8e-9a51-3c7e7f0b9d21';

/** A command's `type` (every command of ours has one), for metrics and traces. */
function commandName(command: unknown): string {
  if (typeof command === 'function') return 'from_state';
  const type = (command as { type?: unknown } | null)?.type;
  return typeof type === 'string' ? type : 'unknown';
}

export function eventIdFor(commandId: string, streamId: string, index: number): string {
  return uuidv5(`${commandId}|${streamId}|${index}`, EVENT_ID_NAMESPACE);
}

/**
 * Loads a stream, lets the decider decide, and appends the result at the version it
 * read. A concurrent writer makes the append fail; the command is then decided again
 * on the new state, a bounded number of times, before the conflict reaches the caller.
 */
export class CommandRunner {
  private readonly kept: ExpiringCache<string, KeptState>;
  // States decided in a caller's transaction, kept once (and if) it commits.
  private readonly keptOnCommit: AfterCommit<Map<string, KeptState>>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly maxRetries: number,
    private readonly observer?: CommandObserver,
    cache: StateCacheOptions = { size: 0, ttlMs: 0 },
  ) {
    this.kept = new ExpiringCache(cache.ttlMs, cache.size);
    this.keptOnCommit = new AfterCommit(
      dataSource,
      (states) => states.forEach((state, streamId) => this.kept.set(streamId, state)),
      (held, next) => new Map([...held, ...next]),
    );
  }

  async run<State, Command, Event extends DomainEvent, Effects = unknown>(
    request: RunCommand<State, Command, Event, Effects>,
  ): Promise<CommandOutcome<State, Event, Effects>> {
    return inSpan(
      `command ${commandName(request.command)}`,
      () => ({
        attributes: {
          'shiming.stream_id': request.streamId,
          'shiming.correlation_id': request.metadata.correlationId,
          ...(request.metadata.causationId
            ? { 'shiming.causation_id': request.metadata.causationId }
            : {}),
        },
      }),
      () => this.runTraced(request),
    );
  }

  private async runTraced<State, Command, Event extends DomainEvent, Effects = unknown>(
    request: RunCommand<State, Command, Event, Effects>,
  ): Promise<CommandOutcome<State, Event, Effects>> {
    const started = performance.now();
    const observe = (outcome: 'appended' | 'unchanged' | 'failed', eventTypes: string[]) =>
      this.observer?.observeCommand({
        command: commandName(request.command),
        seconds: (performance.now() - started) / 1000,
        outcome,
        eventTypes,
      });
    for (let attempt = 0; ; attempt++) {
      const kept = request.readFirst ? undefined : this.keptState(request);
      try {
        const outcome = request.transaction
          ? await this.attempt(request, request.transaction, kept)
          : await this.dataSource.transaction((tx) => this.attempt(request, tx, kept));
        this.keep(request, outcome, kept);
        observe(
          outcome.append ? 'appended' : 'unchanged',
          outcome.append && !outcome.append.duplicate ? outcome.events.map((e) => e.type) : [],
        );
        return outcome;
      } catch (error) {
        if (kept) {
          this.kept.delete(request.streamId);
          // Another writer moved the stream, or the kept state did not hold: not a retry.
          if (
            error instanceof KeptStateRefusedError ||
            error instanceof WrongExpectedVersionError
          ) {
            attempt--;
            continue;
          }
        }
        if (!(error instanceof WrongExpectedVersionError) || attempt >= this.maxRetries) {
          observe('failed', []);
          throw error;
        }
        this.observer?.commandRetried(commandName(request.command));
      }
    }
  }

  private keptState<State, Command, Event extends DomainEvent, Effects>(
    request: RunCommand<State, Command, Event, Effects>,
  ): KeptState | undefined {
    const kept = this.kept.get(request.streamId);
    return kept?.decider === request.decider ? kept : undefined;
  }

  /**
   * Keeps the state the command committed (or read and left unchanged); in a caller's
   * transaction, once that commits: until then the stream is read.
   */
  private keep<State, Command, Event extends DomainEvent, Effects>(
    request: RunCommand<State, Command, Event, Effects>,
    outcome: CommandOutcome<State, Event, Effects>,
    kept: KeptState | undefined,
  ): void {
    this.kept.delete(request.streamId);
    if (outcome.append?.duplicate) return;
    const last = outcome.append ? outcome.append.metadata : kept?.last;
    const state: KeptState = {
      decider: request.decider,
      state: outcome.state,
      version: outcome.version,
      ...(last ? { last } : {}),
    };
    if (request.transaction) {
      this.keptOnCommit.defer(request.transaction, new Map([[request.streamId, state]]));
    } else {
      this.kept.set(request.streamId, state);
    }
  }

  /**
   * Runs commands on many streams in the caller's transaction with two statements for
   * all of them: one reads every stream, one appends every decision of a single event
   * (what firing a batch of timers does). Anything else — a decision of several events,
   * a stream named a second time, an append refused for a conflict or because the
   * command already ran — goes through `run` on its own, after the others. Outcomes come
   * in the order of `requests`, each the one `run` would give, as long as no command's
   * effects append to another request's stream: every command is
   * decided on the streams as read at the start. (One that does meets a conflict, and
   * the caller's transaction fails as a whole.)
   */
  async runMany<State, Command, Event extends DomainEvent, Effects = unknown>(
    requests: readonly RunCommand<State, Command, Event, Effects>[],
    tx: EntityManager,
  ): Promise<CommandOutcome<State, Event, Effects>[]> {
    return inSpan(
      'command many',
      () => ({
        attributes: {
          'shiming.commands': [...new Set(requests.map((r) => commandName(r.command)))],
          'shiming.streams': requests.length,
        },
      }),
      () => this.runManyTraced(requests, tx),
    );
  }

  private async runManyTraced<State, Command, Event extends DomainEvent, Effects = unknown>(
    requests: readonly RunCommand<State, Command, Event, Effects>[],
    tx: EntityManager,
  ): Promise<CommandOutcome<State, Event, Effects>[]> {
    const outcomes: CommandOutcome<State, Event, Effects>[] = new Array(requests.length);
    const streams = await this.store.readStreams(
      requests.map((r) => r.streamId),
      { transaction: tx },
    );
    linkActiveSpan([...streams.values()].map((events) => events[events.length - 1]?.metadata));
    if (requests.some((r) => typeof r.command === 'function')) {
      throw new TypeError('runMany takes commands, not commands made from the state');
    }
    const seen = new Set<string>();
    const decided: { index: number; state: State; version: number; event: Event }[] = [];
    const alone: number[] = [];
    requests.forEach((request, index) => {
      if (seen.has(request.streamId)) return alone.push(index);
      seen.add(request.streamId);
      const { state, version, events } = this.decide(request, streams.get(request.streamId) ?? []);
      if (events.length === 0)
        outcomes[index] = { before: state, state, version, events, append: null, effects: null };
      else if (events.length === 1) decided.push({ index, state, version, event: events[0] });
      else alone.push(index);
    });
    const appended = await this.store.appendEach(
      decided.map(({ index, version, event }) => ({
        streamId: requests[index].streamId,
        expectedVersion: version,
        event: this.newEvent(requests[index], event, 0),
        metadata: requests[index].metadata,
      })),
      { transaction: tx },
    );
    for (const [i, { index, state, event }] of decided.entries()) {
      const append = appended[i];
      if (!append) {
        alone.push(index);
        continue;
      }
      this.observer?.observeCommand({
        command: commandName(requests[index].command),
        seconds: 0,
        outcome: 'appended',
        eventTypes: append.duplicate ? [] : [event.type],
      });
      outcomes[index] = await this.withEffects(requests[index], tx, [event], state, append, true);
    }
    for (const index of alone.sort((a, b) => a - b)) {
      outcomes[index] = await this.run({ ...requests[index], transaction: tx });
    }
    return outcomes;
  }

  private async attempt<State, Command, Event extends DomainEvent, Effects>(
    request: RunCommand<State, Command, Event, Effects>,
    tx: EntityManager,
    kept?: KeptState,
  ): Promise<CommandOutcome<State, Event, Effects>> {
    let state: State;
    let version: number;
    if (kept) {
      ({ state, version } = kept as { state: State; version: number });
      linkActiveSpan([kept.last]);
    } else {
      const stored = await this.store.readStream(request.streamId, 1, { transaction: tx });
      // The command acts on what the stream's last event left: its trace is this one's cause.
      linkActiveSpan([stored[stored.length - 1]?.metadata]);
      ({ state, version } = this.fold(request, stored));
    }
    let events: Event[];
    try {
      const command =
        typeof request.command === 'function'
          ? await (request.command as CommandFromState<State, Command>)(state, tx)
          : request.command;
      if (typeof request.command === 'function') {
        renameActiveSpan(`command ${commandName(command)}`);
      }
      events = request.decider.decide(command, state);
    } catch (error) {
      // A database error is the transaction's, not the kept state's: it stands (in a
      // caller's transaction a re-read would only meet the aborted transaction).
      if (kept && !isDatabaseError(error)) throw new KeptStateRefusedError();
      throw error;
    }
    if (events.length === 0) {
      if (kept) throw new KeptStateRefusedError();
      return { before: state, state, version, events, append: null, effects: null };
    }
    const alongside = request.alongside?.({
      after: events.reduce((s, e) => request.decider.evolve(s, e), state),
      version: version + events.length,
      events,
    });
    const append = await this.store.append(
      request.streamId,
      version === 0 ? 'no_stream' : version,
      events.map((event, index) => this.newEvent(request, event, index)),
      { metadata: request.metadata, transaction: tx, ...(alongside ? { alongside } : {}) },
    );
    const outcome = await this.withEffects(
      request,
      tx,
      events,
      state,
      append,
      !!request.transaction,
    );
    return alongside ? { ...outcome, alongsideWritten: !append.duplicate } : outcome;
  }

  private fold<State, Command, Event extends DomainEvent, Effects>(
    { decider }: RunCommand<State, Command, Event, Effects>,
    stored: readonly RecordedEvent[],
  ): { state: State; version: number } {
    const state = fold(
      decider,
      stored.map((e) => ({ type: e.type, data: e.data }) as Event),
    );
    const version = stored.length ? stored[stored.length - 1].streamVersion : 0;
    return { state, version };
  }

  /** For `runMany`, whose commands are given (checked there), never made from the state. */
  private decide<State, Command, Event extends DomainEvent, Effects>(
    request: RunCommand<State, Command, Event, Effects>,
    stored: readonly RecordedEvent[],
  ): { state: State; version: number; events: Event[] } {
    const { state, version } = this.fold(request, stored);
    return { state, version, events: request.decider.decide(request.command as Command, state) };
  }

  private newEvent<Event extends DomainEvent>(
    request: { commandId: string; streamId: string },
    event: Event,
    index: number,
  ): NewEvent {
    return {
      id: eventIdFor(request.commandId, request.streamId, index),
      type: event.type,
      data: event.data,
    };
  }

  /** The state after the appended events, and the effects that go with them. */
  private async withEffects<State, Command, Event extends DomainEvent, Effects>(
    request: RunCommand<State, Command, Event, Effects>,
    tx: EntityManager,
    events: Event[],
    state: State,
    append: AppendResult,
    inCallersTransaction: boolean,
  ): Promise<CommandOutcome<State, Event, Effects>> {
    const next = events.reduce((s, e) => request.decider.evolve(s, e), state);
    let effects: Effects | null = null;
    if (!append.duplicate && request.effects) {
      effects = request.effects.of(state, events);
      const eventIds = events.map((_, index) =>
        eventIdFor(request.commandId, request.streamId, index),
      );
      try {
        await request.effects.apply(tx, effects, { events, eventIds, before: state, after: next });
      } catch (error) {
        // In the caller's transaction this attempt's events stay written, so deciding
        // again there would find them and skip these effects: let the caller roll back.
        if (inCallersTransaction && error instanceof WrongExpectedVersionError) {
          throw new SideWriteConflictError(error);
        }
        throw error;
      }
    }
    return {
      before: state,
      state: next,
      version: append.nextExpectedVersion,
      events,
      append,
      effects,
    };
  }
}
