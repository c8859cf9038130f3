import type { TimerChange } from '@shiming/workflow';
import type { VerificationEvent, VerificationEventType } from './verification.events';
import { evolve } from './verification.evolve';
import { commandsForOtherAccounts, type CommandForAccount } from './verification.reactions';
import type { VerificationState } from './verification.state';
import { timerChanges } from './verification.timers';
import { heldIdentity, registryChanges, type RegistryChange } from './registry-changes';

// What an account's events cause besides themselves, decided here as data and applied
// by the application in the transaction that appends them (the command runner's effects
// hook): the one place to read, and to add, what happens after a decision.

/** The outside parties an event asks the application to call. */
export const OUTSIDE_CALL_KINDS = [
  'identity_check',
  'bank_check',
  'document_check',
  'payout',
  'sms',
] as const;

export type OutsideCallKind = (typeof OUTSIDE_CALL_KINDS)[number];

/** A secret a call needs later that no event may carry: kept encrypted with the call. */
export type CallSecret = 'smsCode' | 'depositAmountFen';

export interface OutsideCallEffect {
  kind: OutsideCallKind;
  /** The event (by its index among the new events) that asks for the call. */
  eventIndex: number;
  secret?: CallSecret;
}

/** A submitted identity whose personal data goes: its data key, documents, lookup hash. */
export interface ErasureEffect {
  subjectId: string;
}

export interface VerificationEffects {
  /** Timer slots of the account's own stream to cancel and arm. */
  timers: TimerChange[];
  calls: OutsideCallEffect[];
  /** Holders and associated accounts of identities, in the identity registry. */
  registry: RegistryChange[];
  erasures: ErasureEffect[];
  /** Commands for other accounts; the cross-account process manager sends them from the log. */
  messages: CommandForAccount[];
}

/** The timer that removes an erased identity's document files once the erasure committed. */
export const ERASED_DOCUMENTS_PURGE_TIMER = 'erased_documents_purge';

const CALLS: Partial<
  Record<VerificationEventType, { kind: OutsideCallKind; secret?: CallSecret }>
> = {
  IdentitySubmitted: { kind: 'identity_check' },
  IdentityCheckRetried: { kind: 'identity_check' },
  BankCardSubmitted: { kind: 'bank_check' },
  IdDocumentsSubmitted: { kind: 'document_check' },
  MicroDepositRequested: { kind: 'payout', secret: 'depositAmountFen' },
  SmsCodeIssued: { kind: 'sms', secret: 'smsCode' },
};

/** Event types that ask for a call to an outside party. */
export const CALLING_EVENT_TYPES = Object.keys(CALLS) as VerificationEventType[];

/** The outside party an event of this type asks to call, if any. */
export function outsideCallKindOf(type: string): OutsideCallKind | undefined {
  return CALLS[type as VerificationEventType]?.kind;
}

/** What new events of account `accountId` cause, given the state they were decided on. */
export function effectsOf(
  accountId: string,
  before: VerificationState,
  events: readonly VerificationEvent[],
): VerificationEffects {
  const timers: TimerChange[] = timerList(events);
  const erasures: ErasureEffect[] = [];
  let state = before;
  for (const event of events) {
    const held = heldIdentity(state);
    // The identity this account held is taken away: its personal data goes with it.
    if (event.type === 'IdentityRevoked' && held?.subjectId) {
      erasures.push({ subjectId: held.subjectId });
      timers.push({
        kind: ERASED_DOCUMENTS_PURGE_TIMER,
        key: held.subjectId,
        dueAt: event.data.at,
        payload: { subjectId: held.subjectId },
      });
    }
    state = evolve(state, event);
  }
  return {
    timers,
    calls: events.flatMap((event, eventIndex) => {
      const call = CALLS[event.type];
      return call ? [{ ...call, eventIndex }] : [];
    }),
    registry: registryChanges(accountId, before, events),
    erasures,
    messages: events.flatMap((event) => commandsForOtherAccounts(accountId, event)),
  };
}

/** The process timers as slot changes: every kind touched is cancelled, then re-armed. */
function timerList(events: readonly VerificationEvent[]): TimerChange[] {
  const { cancel, schedule } = timerChanges(events);
  const dueAt = new Map(schedule.map((timer) => [timer.kind, timer.dueAt]));
  return cancel.map((kind) => ({ kind, dueAt: dueAt.get(kind) ?? null }));
}
