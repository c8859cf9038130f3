import type { RecordedEvent } from '@shiming/event-store';
import type { OutsideCallKind, VerificationCommand } from '../domain';
import type { OutsideCall } from '../infrastructure/outside-calls.repository';
import type { LoadedAccount } from '../infrastructure/verification-accounts';

/** What a handler gets to make one call: the call, the account as it is, the event. */
export interface OutsideCallInput {
  call: OutsideCall;
  account: LoadedAccount;
  /** The event that asked for the call. */
  event: RecordedEvent;
  /** The call's secret (an SMS code, a deposit amount), decrypted when asked for. */
  secret(): Promise<Record<string, unknown>>;
  /**
   * Records the outside party's answer as a command on the account (`party` names it as
   * the actor), and makes at once any call the answer asks for. The command is built at
   * the instant it is decided at, and built again if the identity registry changed under
   * it (what it reads, such as who holds an identity, is then read anew).
   */
  record(
    command: (at: string) => VerificationCommand | Promise<VerificationCommand>,
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
  events: readonly RecordedEvent[],
  event: RecordedEvent,
  types: readonly string[],
): boolean {
  const last = [...events].reverse().find((e) => types.includes(e.type));
  return last?.eventId === event.eventId;
}
