import type { VerificationCommandType } from './verification.commands';
import type { VerificationEvent } from './verification.events';

/** The durable timers of one account's verification. */
export enum VerificationTimerKind {
  IdentityCheckRetry = 'identity_check_retry',
  IdentityUnlock = 'identity_unlock',
  ManualReviewSla = 'manual_review_sla',
  AppealSla = 'appeal_sla',
  SmsCodeExpiry = 'sms_code_expiry',
  MicroDepositWindow = 'micro_deposit_window',
}

/**
 * The command each timer fires on this account's stream. The case SLA kinds are no
 * longer scheduled here: a case's SLA timer lives on the case's own stream in the back
 * office, which escalates and never decides. The kinds stay for timers stored before.
 */
export const TIMER_COMMANDS: { [K in VerificationTimerKind]: VerificationCommandType | null } = {
  [VerificationTimerKind.IdentityCheckRetry]: 'RetryIdentityCheck',
  [VerificationTimerKind.IdentityUnlock]: 'UnlockIdentitySubmission',
  [VerificationTimerKind.ManualReviewSla]: null,
  [VerificationTimerKind.AppealSla]: null,
  [VerificationTimerKind.SmsCodeExpiry]: 'ExpireSmsCode',
  [VerificationTimerKind.MicroDepositWindow]: 'ExpireMicroDeposit',
};

export interface TimerToSchedule {
  kind: VerificationTimerKind;
  dueAt: string;
}

export interface TimerChanges {
  /** Cancel the live timers of these kinds first (a re-armed kind is listed too)… */
  cancel: VerificationTimerKind[];
  /** …then schedule these. At most one live timer per kind and account. */
  schedule: TimerToSchedule[];
}

const ALL_KINDS = Object.values(VerificationTimerKind);

/** What one event does to timers: schedule one, cancel some, or nothing. */
function timerEffect(event: VerificationEvent): {
  schedule?: TimerToSchedule;
  cancel?: VerificationTimerKind[];
} {
  switch (event.type) {
    case 'IdentityCheckDeferred':
      return {
        schedule: { kind: VerificationTimerKind.IdentityCheckRetry, dueAt: event.data.retryAt },
      };
    case 'IdentitySubmissionLocked':
      return { schedule: { kind: VerificationTimerKind.IdentityUnlock, dueAt: event.data.until } };
    case 'SmsCodeIssued':
      return {
        schedule: { kind: VerificationTimerKind.SmsCodeExpiry, dueAt: event.data.expiresAt },
      };
    case 'MicroDepositSettled':
      return {
        schedule: {
          kind: VerificationTimerKind.MicroDepositWindow,
          dueAt: event.data.windowEndsAt,
        },
      };
    case 'IdentitySubmissionUnlocked':
      return { cancel: [VerificationTimerKind.IdentityUnlock] };
    case 'SmsCodeVerified':
    case 'SmsCodeAttemptsExhausted':
    case 'SmsCodeExpired':
      return { cancel: [VerificationTimerKind.SmsCodeExpiry] };
    case 'MicroDepositConfirmed':
    case 'MicroDepositFailed':
    case 'MicroDepositExpired':
      return { cancel: [VerificationTimerKind.MicroDepositWindow] };
    case 'BankCardChanged':
      return {
        cancel: [VerificationTimerKind.SmsCodeExpiry, VerificationTimerKind.MicroDepositWindow],
      };
    // The account starts over: nothing it was waiting for still matters.
    case 'IdentityRevoked':
    case 'AccountAssociated':
      return { cancel: ALL_KINDS.filter((kind) => kind !== VerificationTimerKind.IdentityUnlock) };
    default:
      return {};
  }
}

/**
 * The timer changes new events call for, to be written in the transaction that appends
 * them. Later events win: a timer scheduled and then cancelled in one batch is not scheduled.
 */
export function timerChanges(events: readonly VerificationEvent[]): TimerChanges {
  const plan = new Map<VerificationTimerKind, string | null>();
  for (const event of events) {
    const effect = timerEffect(event);
    for (const kind of effect.cancel ?? []) plan.set(kind, null);
    if (effect.schedule) plan.set(effect.schedule.kind, effect.schedule.dueAt);
  }
  const cancel = [...plan.keys()];
  const schedule = [...plan.entries()]
    .filter((entry): entry is [VerificationTimerKind, string] => entry[1] !== null)
    .map(([kind, dueAt]) => ({ kind, dueAt }));
  return { cancel, schedule };
}

export function timersToSchedule(events: readonly VerificationEvent[]): TimerToSchedule[] {
  return timerChanges(events).schedule;
}

export function timersToCancel(events: readonly VerificationEvent[]): VerificationTimerKind[] {
  return timerChanges(events).cancel;
}
