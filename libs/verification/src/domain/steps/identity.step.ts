// Steps 1 and 2 of the process (spec and DESIGN §1): start, the identity with its
// payment password, the identity authority's answer, its retries, the lock.
import type {
  RecordIdentityCheck,
  RetryIdentityCheck,
  StartVerification,
  SubmitIdentity,
  UnlockIdentitySubmission,
} from '../verification.commands';
import {
  IdentityAppealDeniedError,
  IdentityHasAssociatedAccountsError,
  UnsupportedRegionError,
} from '../verification.errors';
import type { VerificationEvent } from '../verification.events';
import { assertNever } from '../verification.evolve';
import { identityCheckRetryDelayMs, type VerificationPolicy } from '../verification.policy';
import {
  SUPPORTED_REGIONS,
  UNLOCKABLE_STATUSES,
  type VerificationState,
} from '../verification.state';
import { addMillis, isAtOrAfter } from '../verification.time';
import { event, inState, refused, checkingIdentity } from './step-helpers';

// ── 1. start ────────────────────────────────────────────────────────────────────────

export function startVerification(
  { data }: StartVerification,
  state: VerificationState,
): VerificationEvent[] {
  if (!(SUPPORTED_REGIONS as readonly string[]).includes(data.region)) {
    throw new UnsupportedRegionError(data.region);
  }
  if (state.status === 'not_started') {
    return [event('VerificationStarted', { at: data.at, region: 'mainland' })];
  }
  const s = inState(state, ['identity_pending'], 'StartVerification');
  if (s.awaiting !== 'submission')
    throw refused(s, 'StartVerification', 'the identity is being checked');
  return [];
}

// ── 2. identity ─────────────────────────────────────────────────────────────────────

export function submitIdentity(
  { data }: SubmitIdentity,
  state: VerificationState,
  policy: VerificationPolicy,
): VerificationEvent[] {
  const s = inState(state, UNLOCKABLE_STATUSES, 'SubmitIdentity');
  if (s.status === 'identity_pending' && s.awaiting === 'authority') {
    throw refused(s, 'SubmitIdentity', 'the identity is being checked');
  }
  if (s.status === 'manual_review_rejected' && s.rejection.final) {
    throw refused(s, 'SubmitIdentity', 'the manual review rejection is final');
  }
  if (s.status === 'identity_verified' && s.associatedAccounts.length > 0) {
    throw new IdentityHasAssociatedAccountsError(s.associatedAccounts.length);
  }
  if (!data.passwordCorrect) {
    const { maxConsecutiveFailures, lockMs } = policy.paymentPassword;
    const attemptsLeft = Math.max(0, maxConsecutiveFailures - (s.passwordFailures + 1));
    const rejected = event('PaymentPasswordRejected', { at: data.at, attemptsLeft });
    if (attemptsLeft > 0) return [rejected];
    const until = addMillis(data.at, lockMs);
    return [rejected, event('IdentitySubmissionLocked', { at: data.at, until })];
  }
  if (s.status === 'appeal_denied' && s.identity.registryId === data.identity.registryId) {
    throw new IdentityAppealDeniedError();
  }
  return [event('IdentitySubmitted', { at: data.at, identity: data.identity })];
}

export function recordIdentityCheck(
  { data }: RecordIdentityCheck,
  state: VerificationState,
  policy: VerificationPolicy,
): VerificationEvent[] {
  const s = checkingIdentity(state);
  // A late or repeated answer, or one arriving while a retry is scheduled.
  if (!s || s.check.retryAt !== undefined) return [];
  switch (data.outcome) {
    case 'match':
      return data.occupiedBy
        ? [
            event('IdentityOccupied', {
              at: data.at,
              holderAccountId: data.occupiedBy.accountId,
              holderStatus: data.occupiedBy.holderStatus,
            }),
          ]
        : [event('IdentityVerified', { at: data.at })];
    case 'mismatch':
      return [event('IdentityMismatched', { at: data.at })];
    case 'unavailable': {
      const attempt = s.check.attempt;
      const retryAt = addMillis(data.at, identityCheckRetryDelayMs(policy, attempt));
      return [event('IdentityCheckDeferred', { at: data.at, attempt, retryAt })];
    }
    default:
      return assertNever(data.outcome);
  }
}

export function retryIdentityCheck(
  { data }: RetryIdentityCheck,
  state: VerificationState,
): VerificationEvent[] {
  const s = checkingIdentity(state);
  if (!s?.check.retryAt || !isAtOrAfter(data.at, s.check.retryAt)) return [];
  return [event('IdentityCheckRetried', { at: data.at, attempt: s.check.attempt + 1 })];
}

export function unlockIdentitySubmission(
  { data }: UnlockIdentitySubmission,
  state: VerificationState,
): VerificationEvent[] {
  if (state.status !== 'locked' || !isAtOrAfter(data.at, state.until)) return [];
  return [event('IdentitySubmissionUnlocked', { at: data.at })];
}
