import { smsCapRefusal } from '../sms-caps';
// What the steps of the decider share: building events, checking the state.
import type { VerificationCommand } from '../verification.commands';
import {
  InvalidCertificatesError,
  ReasonRequiredError,
  WrongStateError,
} from '../verification.errors';
import type { EventOfType, VerificationEvent, VerificationEventType } from '../verification.events';
import type { VerificationPolicy } from '../verification.policy';
import {
  isHolder,
  isIn,
  type HolderState,
  type StateOf,
  type VerificationState,
  type VerificationStatus,
} from '../verification.state';
import { addMillis } from '../verification.time';

// ── helpers ─────────────────────────────────────────────────────────────────────────

export function event<T extends VerificationEventType>(
  type: T,
  data: EventOfType<T>['data'],
): EventOfType<T> {
  return { type, data } as EventOfType<T>;
}

/** Codes sent to the account in the last hour and day stay under the policy's caps. */
export function assertSmsSendAllowed(
  state: { smsSentAt: readonly string[] },
  at: string,
  policy: VerificationPolicy,
): void {
  const { maxSendsPerHour: perHour, maxSendsPerDay: perDay } = policy.smsCode;
  const refusal = smsCapRefusal(state.smsSentAt, at, { perHour, perDay });
  if (refusal) throw refusal;
}

export function smsCodeIssued(
  at: string,
  codeHash: string,
  policy: VerificationPolicy,
): VerificationEvent {
  return event('SmsCodeIssued', {
    at,
    codeHash,
    expiresAt: addMillis(at, policy.smsCode.ttlMs),
    resendableAt: addMillis(at, policy.smsCode.resendCooldownMs),
  });
}

/** Narrows the state for a step; the table has already admitted the status. */
export function inState<S extends VerificationStatus>(
  state: VerificationState,
  statuses: readonly S[],
  command: VerificationCommand['type'],
): StateOf<S> {
  if (!isIn(state, statuses)) throw new WrongStateError(state.status, command);
  return state;
}

export function refused(
  state: VerificationState,
  command: VerificationCommand['type'],
  reason: string,
) {
  return new WrongStateError(state.status, command, reason);
}

export function checkingIdentity(state: VerificationState) {
  return state.status === 'identity_pending' && state.awaiting === 'authority' ? state : undefined;
}

/** The holder of a verified identity, also while its identity submission is locked. */
export function heldIdentity(state: VerificationState): HolderState | undefined {
  if (isHolder(state)) return state;
  if (state.status === 'locked' && isHolder(state.resume)) return state.resume;
  return undefined;
}

export function openCaseOf(state: StateOf<'manual_review_pending' | 'appeal_pending'>) {
  return state.status === 'manual_review_pending' ? state.review : state.appeal;
}

export function assertOpenCase(
  state: StateOf<'manual_review_pending' | 'appeal_pending'>,
  command: VerificationCommand['type'],
  caseId: string,
): void {
  if (openCaseOf(state).caseId !== caseId) {
    throw refused(state, command, `case ${caseId} is not this account's open case`);
  }
}

export function assertCertificates(documentIds: string[], min: number, max: number): void {
  const distinct = new Set(documentIds).size;
  if (distinct !== documentIds.length || distinct < min || distinct > max) {
    throw new InvalidCertificatesError(min, max, documentIds.length);
  }
}

/**
 * A rejection's reason code, and the reviewer's own words to the user if any: without
 * them (an empty message) the user is told the reason's default message when reading.
 */
export function requireReason(data: { reasonCode?: string; userMessage?: string }) {
  const reasonCode = data.reasonCode?.trim();
  if (!reasonCode) throw new ReasonRequiredError();
  return { reasonCode, userMessage: data.userMessage?.trim() ?? '' };
}

/** The table is the contract: a decision outside its row is a bug, not a user error. */
