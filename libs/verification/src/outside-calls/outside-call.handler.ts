import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '@shiming/event-store';
import type { OutsideCallKind, VerificationCommand, VerificationState } from '../domain';
import type { OutsideCall } from '../infrastructure/outside-calls.repository';
import type { IdentityInClear } from '../infrastructure/personal-data';

/** An event of the account's stream, as a call needs it. */
export type CallEvent = Pick<RecordedEvent, 'eventId' | 'type' | 'data'>;

/**
 * What the application knows of an account at hand: right after a command, its state
 * and the events it appended (the fast path), so that a call does not load it again.
 */
export interface KnownAccount {
  accountId: string;
  state: VerificationState;
  /** The events to find the call's event in, latest last. */
  events: CallEvent[];
}

/** Values a call needs that the request has in clear: they need not be decrypted. */
export interface CallsInClear {
  identity?: IdentityInClear;
}

/** What a handler gets to make one call: the call, the account as it is, the event. */
export interface OutsideCallInput {
  call: OutsideCall;
  state: VerificationState;
  /** The account's events (all of them, or those of the command just run), latest last. */
  events: readonly CallEvent[];
  /** The event that asked for the call. */
  event: CallEvent;
  inClear: CallsInClear;
  /** The call's secret (an SMS code, a deposit amount), decrypted when asked for. */
  secret(): Promise<Record<string, unknown>>;
  /**
   * Records the outside party's answer as a command on the account (`party` names it as
   * the actor), and makes at once any call the answer asks for. The command is built at
   * the instant it is decided at, and built again if the identity registry changed under
   * it (what it reads, such as who holds an identity, is then read anew). What it reads
   * it reads through `tx`, the command's transaction: a second connection taken while
   * the first waits could exhaust the pool.
   */
  record(
    command: (at: string, tx: EntityManager) => VerificationCommand | Promise<VerificationCommand>,
    party: string,
  ): Promise<void>;
}

/**
 * Makes one kind of outside call and records its answer as a command on the account.
 * A call whose event the account has moved past is not made: the handler just returns.
 * Throwing leaves the call open for a later attempt.
 */
export interface OutsideCallHandler {
  readonly kind: OutsideCallKind;
  handle(input: OutsideCallInput): Promise<void>;
}

/** The event is the stream's last of these types: nothing since has answered or replaced it. */
export function isLatest(
  events: readonly CallEvent[],
  event: CallEvent,
  types: readonly string[],
): boolean {
  const last = [...events].reverse().find((e) => types.includes(e.type));
  return last?.eventId === event.eventId;
}
