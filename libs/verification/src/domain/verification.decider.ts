import type { Decider } from '@shiming/workflow';
import {
  COMMAND_SOURCES,
  isTolerant,
  type AcceptAgreement,
  type AcceptAssociatedAccount,
  type AssociateAccount,
  type ChangeBankCard,
  type ConfirmIdentity,
  type ConfirmMicroDeposit,
  type DecideAppeal,
  type DecideManualReview,
  type DecideOccupancy,
  type DeferConfirmation,
  type ExpireMicroDeposit,
  type ExpireSmsCode,
  type FileAppeal,
  type ProvideReupload,
  type RecordBankCheck,
  type RecordDepositFailed,
  type RecordDepositSettled,
  type RecordDocumentCheck,
  type RecordIdentityCheck,
  type RequestManualReview,
  type RequestMicroDeposit,
  type RequestReupload,
  type ResendSmsCode,
  type RetryIdentityCheck,
  type RevokeIdentity,
  type SkipIdDocuments,
  type StartVerification,
  type SubmitBankCard,
  type SubmitIdDocuments,
  type SubmitIdentity,
  type UnlockIdentitySubmission,
  type VerificationCommand,
  type VerifySmsCode,
} from './verification.commands';
import {
  AttemptsExceededError,
  CodeExpiredError,
  IdentityAlreadyConfirmedError,
  IdentityAppealDeniedError,
  IdentityHasAssociatedAccountsError,
  IdentitySubmissionLockedError,
  InvalidCertificatesError,
  MicroDepositExpiredError,
  PaymentVerificationUnsupportedError,
  ReasonRequiredError,
  ResendTooSoonError,
  SmsSendLimitError,
  UnsupportedRegionError,
  WrongStateError,
} from './verification.errors';
import type { EventOfType, VerificationEvent, VerificationEventType } from './verification.events';
import { assertNever, evolve } from './verification.evolve';
import {
  assertValidPolicy,
  DEFAULT_VERIFICATION_POLICY,
  identityCheckRetryDelayMs,
  type VerificationPolicy,
} from './verification.policy';
import {
  CONFIRMED_STATUSES,
  hasConfirmedIdentity,
  initialState,
  isHolder,
  isIn,
  SUPPORTED_REGIONS,
  tierOnAuthentication,
  type HolderState,
  type RevocationReason,
  type StateOf,
  type VerificationState,
  type VerificationStatus,
} from './verification.state';
import { addMillis, isAtOrAfter, secondsUntil, toMillis } from './verification.time';
import { findTransition, type Transition } from './verification.transitions';

export type VerificationDecider = Decider<
  VerificationState,
  VerificationCommand,
  VerificationEvent
>;

/** The decider the command runner uses, with the configured policy. */
export function createVerificationDecider(
  policy: VerificationPolicy = DEFAULT_VERIFICATION_POLICY,
): VerificationDecider {
  assertValidPolicy(policy);
  return {
    initialState,
    evolve,
    decide: (command, state) => decide(command, state, policy),
  };
}

/** The decider with DESIGN's default numbers, for tests and tools. */
export const verificationDecider: VerificationDecider = createVerificationDecider();

// Stands in for an identity when only the state is asked about: never read, since a
// wrong password is decided before the identity is.
const UNREAD_IDENTITY = { encrypted: { name: '', idNumber: '' }, registryId: '' };

/**
 * Throws the refusal the decider gives an identity submission in `state` whatever its
 * payment password (locked, wrong state, a final rejection…). Asked before the password
 * is checked, so that a step the state refuses never evaluates a guess (DESIGN §5).
 */
export function assertIdentitySubmissionAllowed(
  decider: VerificationDecider,
  state: VerificationState,
  at: string,
): void {
  decider.decide(
    { type: 'SubmitIdentity', data: { at, identity: UNREAD_IDENTITY, passwordCorrect: false } },
    state,
  );
}

/** What the user is told when another account takes back the identity this one held. */
export const REVOCATION_NOTICES: { [R in RevocationReason]: string } = {
  appeal_upheld:
    'Your real-name identity was removed: its owner proved in an appeal that it is theirs. Verify again with your own identity.',
  claimed_by_owner:
    'Your real-name identity was removed: its owner verified it on their own account. Verify again with your own identity.',
};

/**
 * Turns a command into the events it causes in the current state, or throws a domain
 * error. A command with no row in the transition table for the state is refused
 * (`wrong_state`), except timers, outside results and reactions, which do nothing.
 */
export function decide(
  command: VerificationCommand,
  state: VerificationState,
  policy: VerificationPolicy = DEFAULT_VERIFICATION_POLICY,
): VerificationEvent[] {
  toMillis(command.data.at);
  // The lock ends at `until` even if its timer has not fired yet.
  if (
    state.status === 'locked' &&
    COMMAND_SOURCES[command.type] === 'user' &&
    isAtOrAfter(command.data.at, state.until)
  ) {
    const unlocked = decide(
      { type: 'UnlockIdentitySubmission', data: { at: command.data.at } },
      state,
      policy,
    );
    return [...unlocked, ...decide(command, unlocked.reduce(evolve, state), policy)];
  }
  const row = findTransition(state.status, command.type);
  if (!row) {
    if (isTolerant(command.type)) return [];
    throw notAllowed(command, state);
  }
  const events = decideStep(command, state, policy);
  assertWithinRow(row, state, events);
  return events;
}

function decideStep(
  command: VerificationCommand,
  state: VerificationState,
  policy: VerificationPolicy,
): VerificationEvent[] {
  switch (command.type) {
    case 'StartVerification':
      return startVerification(command, state);
    case 'SubmitIdentity':
      return submitIdentity(command, state, policy);
    case 'RecordIdentityCheck':
      return recordIdentityCheck(command, state, policy);
    case 'RetryIdentityCheck':
      return retryIdentityCheck(command, state);
    case 'UnlockIdentitySubmission':
      return unlockIdentitySubmission(command, state);
    case 'RequestManualReview':
      return requestManualReview(command, state, policy);
    case 'RequestReupload':
      return requestReupload(command, state);
    case 'ProvideReupload':
      return provideReupload(command, state, policy);
    case 'DecideManualReview':
      return decideManualReview(command, state);
    case 'DecideOccupancy':
      return decideOccupancy(command, state);
    case 'FileAppeal':
      return fileAppeal(command, state, policy);
    case 'DecideAppeal':
      return decideAppeal(command, state);
    case 'ConfirmIdentity':
      return confirmIdentity(command, state);
    case 'DeferConfirmation':
      return deferConfirmation(command, state);
    case 'SubmitIdDocuments':
      return submitIdDocuments(command, state);
    case 'RecordDocumentCheck':
      return recordDocumentCheck(command, state);
    case 'SkipIdDocuments':
      return skipIdDocuments(command, state);
    case 'SubmitBankCard':
      return submitBankCard(command, state);
    case 'RecordBankCheck':
      return recordBankCheck(command, state);
    case 'AcceptAgreement':
      return acceptAgreement(command, state, policy);
    case 'VerifySmsCode':
      return verifySmsCode(command, state, policy);
    case 'ResendSmsCode':
      return resendSmsCode(command, state, policy);
    case 'ExpireSmsCode':
      return expireSmsCode(command, state);
    case 'RequestMicroDeposit':
      return requestMicroDeposit(command, state, policy);
    case 'RecordDepositSettled':
      return recordDepositSettled(command, state, policy);
    case 'RecordDepositFailed':
      return recordDepositFailed(command, state);
    case 'ConfirmMicroDeposit':
      return confirmMicroDeposit(command, state, policy);
    case 'ExpireMicroDeposit':
      return expireMicroDeposit(command, state);
    case 'ChangeBankCard':
      return changeBankCard(command, state);
    case 'AssociateAccount':
      return associateAccount(command, state);
    case 'AcceptAssociatedAccount':
      return acceptAssociatedAccount(command, state);
    case 'RevokeIdentity':
      return revokeIdentity(command, state);
    default:
      return assertNever(command);
  }
}

// ── 1. start ────────────────────────────────────────────────────────────────────────

function startVerification(
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

function submitIdentity(
  { data }: SubmitIdentity,
  state: VerificationState,
  policy: VerificationPolicy,
): VerificationEvent[] {
  const s = inState(
    state,
    [
      'identity_pending',
      'identity_mismatch',
      'manual_review_rejected',
      'identity_occupied',
      'appeal_denied',
      'identity_verified',
    ],
    'SubmitIdentity',
  );
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

function recordIdentityCheck(
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

function retryIdentityCheck(
  { data }: RetryIdentityCheck,
  state: VerificationState,
): VerificationEvent[] {
  const s = checkingIdentity(state);
  if (!s?.check.retryAt || !isAtOrAfter(data.at, s.check.retryAt)) return [];
  return [event('IdentityCheckRetried', { at: data.at, attempt: s.check.attempt + 1 })];
}

function unlockIdentitySubmission(
  { data }: UnlockIdentitySubmission,
  state: VerificationState,
): VerificationEvent[] {
  if (state.status !== 'locked' || !isAtOrAfter(data.at, state.until)) return [];
  return [event('IdentitySubmissionUnlocked', { at: data.at })];
}

// ── 2.1 manual review ───────────────────────────────────────────────────────────────

function requestManualReview(
  { data }: RequestManualReview,
  state: VerificationState,
  policy: VerificationPolicy,
): VerificationEvent[] {
  const s = inState(state, ['identity_mismatch', 'manual_review_rejected'], 'RequestManualReview');
  if (s.status === 'manual_review_rejected' && s.rejection.final) {
    throw refused(s, 'RequestManualReview', 'the manual review rejection is final');
  }
  assertCertificates(data.documentIds, policy.certificates.min, policy.certificates.max);
  const dueAt = addMillis(data.at, policy.manualReview.slaMs);
  return [
    event('ManualReviewRequested', {
      at: data.at,
      caseId: data.caseId,
      documentIds: data.documentIds,
      dueAt,
    }),
  ];
}

function requestReupload({ data }: RequestReupload, state: VerificationState): VerificationEvent[] {
  const s = inState(state, ['manual_review_pending', 'appeal_pending'], 'RequestReupload');
  assertOpenCase(s, 'RequestReupload', data.caseId);
  return [
    event('ReuploadRequested', {
      at: data.at,
      caseId: data.caseId,
      documentKind: data.documentKind,
      userMessage: data.userMessage,
    }),
  ];
}

function provideReupload(
  { data }: ProvideReupload,
  state: VerificationState,
  policy: VerificationPolicy,
): VerificationEvent[] {
  const s = inState(state, ['manual_review_pending', 'appeal_pending'], 'ProvideReupload');
  const open = openCaseOf(s);
  assertCertificates(data.documentIds, 1, policy.certificates.max);
  // Answering a re-upload request resumes the paused SLA clock with the time it had left.
  const requestedAt = open.reupload?.requestedAt;
  const dueAt = requestedAt
    ? addMillis(data.at, Math.max(0, Date.parse(open.dueAt) - Date.parse(requestedAt)))
    : undefined;
  return [
    event('ReuploadProvided', {
      at: data.at,
      caseId: open.caseId,
      documentIds: data.documentIds,
      ...(dueAt ? { dueAt } : {}),
    }),
  ];
}

function decideManualReview(
  { data }: DecideManualReview,
  state: VerificationState,
): VerificationEvent[] {
  const s = inState(state, ['manual_review_pending'], 'DecideManualReview');
  assertOpenCase(s, 'DecideManualReview', data.caseId);
  if (data.approved) return [event('ManualReviewApproved', { at: data.at, caseId: data.caseId })];
  const { reasonCode, userMessage } = requireReason(data);
  return [
    event('ManualReviewRejected', {
      at: data.at,
      caseId: data.caseId,
      reasonCode,
      userMessage,
      final: data.final ?? false,
    }),
  ];
}

// ── 2.2 occupancy and appeal ────────────────────────────────────────────────────────

function decideOccupancy({ data }: DecideOccupancy, state: VerificationState): VerificationEvent[] {
  const s = inState(state, ['identity_occupied'], 'DecideOccupancy');
  if (s.occupancy.disputed) throw refused(s, 'DecideOccupancy', 'already disputed; file an appeal');
  const { at } = data;
  const { holderAccountId, holderStatus } = s.occupancy;
  if (holderStatus === 'authenticated') {
    return data.decision === 'mine'
      ? [event('OccupancyClaimedAsOwn', { at, holderAccountId })]
      : [event('OccupancyDisputed', { at, holderAccountId })];
  }
  return data.decision === 'mine'
    ? [event('AccountAssociated', { at, mainAccountId: holderAccountId, via: 'occupancy' })]
    : [event('IdentityReclaimed', { at, holderAccountId, registryId: s.identity.registryId })];
}

function fileAppeal(
  { data }: FileAppeal,
  state: VerificationState,
  policy: VerificationPolicy,
): VerificationEvent[] {
  const s = inState(state, ['identity_occupied'], 'FileAppeal');
  if (!s.occupancy.disputed) throw refused(s, 'FileAppeal', 'decide the occupancy first');
  assertCertificates(data.documentIds, policy.certificates.min, policy.certificates.max);
  if (!isAtOrAfter(data.dueAt, data.at)) {
    throw new RangeError(`An appeal's due time ${data.dueAt} is before its filing at ${data.at}`);
  }
  return [
    event('AppealFiled', {
      at: data.at,
      caseId: data.caseId,
      documentIds: data.documentIds,
      dueAt: data.dueAt,
    }),
  ];
}

function decideAppeal({ data }: DecideAppeal, state: VerificationState): VerificationEvent[] {
  const s = inState(state, ['appeal_pending'], 'DecideAppeal');
  assertOpenCase(s, 'DecideAppeal', data.caseId);
  if (data.upheld) {
    return [
      event('AppealUpheld', {
        at: data.at,
        caseId: data.caseId,
        holderAccountId: s.occupancy.holderAccountId,
        registryId: s.identity.registryId,
      }),
    ];
  }
  const { reasonCode, userMessage } = requireReason(data);
  return [event('AppealDenied', { at: data.at, caseId: data.caseId, reasonCode, userMessage })];
}

// ── 3. confirmation ─────────────────────────────────────────────────────────────────

function confirmIdentity({ data }: ConfirmIdentity, state: VerificationState): VerificationEvent[] {
  if (state.status === 'identity_confirmed') return [];
  inState(state, ['identity_verified'], 'ConfirmIdentity');
  return [event('IdentityConfirmed', { at: data.at })];
}

function deferConfirmation(
  { data }: DeferConfirmation,
  state: VerificationState,
): VerificationEvent[] {
  const s = inState(state, ['identity_verified'], 'DeferConfirmation');
  return s.deferred ? [] : [event('ConfirmationDeferred', { at: data.at })];
}

// ── 4. ID photos ────────────────────────────────────────────────────────────────────

function submitIdDocuments(
  { data }: SubmitIdDocuments,
  state: VerificationState,
): VerificationEvent[] {
  const s = inState(state, ['identity_confirmed', 'authenticated'], 'SubmitIdDocuments');
  if (s.status === 'authenticated' && s.tier === 'full') {
    throw refused(s, 'SubmitIdDocuments', 'the ID photos were already accepted');
  }
  if (s.documentCheck.status === 'checking') {
    throw refused(s, 'SubmitIdDocuments', 'the ID photos are being checked');
  }
  return [
    event('IdDocumentsSubmitted', { at: data.at, frontId: data.frontId, backId: data.backId }),
  ];
}

function recordDocumentCheck(
  { data }: RecordDocumentCheck,
  state: VerificationState,
): VerificationEvent[] {
  if (!isIn(state, ['identity_confirmed', 'authenticated'])) return [];
  if (state.documentCheck.status !== 'checking') return [];
  if (!data.accepted) {
    return [event('IdDocumentsRejected', { at: data.at, reason: data.reason ?? 'rejected' })];
  }
  const accepted = event('IdDocumentsAccepted', { at: data.at });
  return state.status === 'authenticated'
    ? [accepted, event('TierUpgraded', { at: data.at, tier: 'full' })]
    : [accepted];
}

function skipIdDocuments({ data }: SkipIdDocuments, state: VerificationState): VerificationEvent[] {
  const s = inState(state, ['identity_confirmed'], 'SkipIdDocuments');
  if (s.documentCheck.status === 'checking') {
    throw refused(s, 'SkipIdDocuments', 'the ID photos are being checked');
  }
  return [event('IdDocumentsSkipped', { at: data.at })];
}

// ── 5. bank card ────────────────────────────────────────────────────────────────────

function submitBankCard({ data }: SubmitBankCard, state: VerificationState): VerificationEvent[] {
  const s = inState(state, ['bank_card_required'], 'SubmitBankCard');
  if (s.cardStep.stage !== 'entry') {
    throw refused(s, 'SubmitBankCard', `a card is ${s.cardStep.stage}; change card first`);
  }
  return [event('BankCardSubmitted', { at: data.at, card: data.card })];
}

function recordBankCheck({ data }: RecordBankCheck, state: VerificationState): VerificationEvent[] {
  if (state.status !== 'bank_card_required' || state.cardStep.stage !== 'checking') return [];
  const { at } = data;
  const card = state.cardStep.card;
  switch (data.outcome) {
    case 'match': {
      const matched = event('BankCardMatched', { at });
      // A bound quick-pay card passed the bank's SMS check when it was bound.
      if (!card.bound) return [matched];
      const tier = tierOnAuthentication(state);
      return [matched, event('Authenticated', { at, tier, via: 'bound_card' })];
    }
    case 'mobile_mismatch':
    case 'verification_failed':
      return [
        event('BankCardCheckFailed', {
          at,
          reason: data.outcome,
          supportsPaymentVerification: data.supportsPaymentVerification ?? false,
        }),
      ];
    case 'not_quick_pay':
      return [event('BankCardRefused', { at, reason: 'not_quick_pay' })];
    default:
      return assertNever(data.outcome);
  }
}

function acceptAgreement(
  { data }: AcceptAgreement,
  state: VerificationState,
  policy: VerificationPolicy,
): VerificationEvent[] {
  const s = inState(state, ['bank_card_required'], 'AcceptAgreement');
  if (s.cardStep.stage !== 'matched') throw refused(s, 'AcceptAgreement', 'no card has matched');
  assertSmsSendAllowed(s, data.at, policy);
  return [
    event('AgreementAccepted', { at: data.at }),
    smsCodeIssued(data.at, data.codeHash, policy),
  ];
}

function verifySmsCode(
  { data }: VerifySmsCode,
  state: VerificationState,
  policy: VerificationPolicy,
): VerificationEvent[] {
  const s = inState(state, ['sms_pending'], 'VerifySmsCode');
  // Expiry is recorded by its timer; a late entry is only refused.
  if (s.sms.expired || isAtOrAfter(data.at, s.sms.expiresAt)) throw new CodeExpiredError();
  if (data.codeHash === s.sms.codeHash) {
    return [
      event('SmsCodeVerified', { at: data.at }),
      event('Authenticated', { at: data.at, tier: tierOnAuthentication(s), via: 'sms_code' }),
    ];
  }
  const attemptsLeft = Math.max(0, policy.smsCode.maxWrongAttempts - (s.sms.wrongAttempts + 1));
  const rejected = event('SmsCodeRejected', { at: data.at, attemptsLeft });
  return attemptsLeft > 0
    ? [rejected]
    : [rejected, event('SmsCodeAttemptsExhausted', { at: data.at })];
}

function resendSmsCode(
  { data }: ResendSmsCode,
  state: VerificationState,
  policy: VerificationPolicy,
): VerificationEvent[] {
  const s = inState(state, ['sms_pending'], 'ResendSmsCode');
  if (!isAtOrAfter(data.at, s.sms.resendableAt)) {
    throw new ResendTooSoonError(s.sms.resendableAt, secondsUntil(data.at, s.sms.resendableAt));
  }
  assertSmsSendAllowed(s, data.at, policy);
  return [smsCodeIssued(data.at, data.codeHash, policy)];
}

function expireSmsCode({ data }: ExpireSmsCode, state: VerificationState): VerificationEvent[] {
  // The timer of a code since replaced fires before the current code's expiry: nothing.
  if (state.status !== 'sms_pending' || state.sms.expired) return [];
  if (!isAtOrAfter(data.at, state.sms.expiresAt)) return [];
  return [event('SmsCodeExpired', { at: data.at })];
}

// ── 5. micro-deposit ────────────────────────────────────────────────────────────────

function requestMicroDeposit(
  { data }: RequestMicroDeposit,
  state: VerificationState,
  policy: VerificationPolicy,
): VerificationEvent[] {
  const s = inState(state, ['bank_card_mismatch'], 'RequestMicroDeposit');
  if (!s.failure.supportsPaymentVerification) throw new PaymentVerificationUnsupportedError();
  // Counted for the whole verification: changing card, or submitting it again, does not
  // buy more deposits (or more amount guesses).
  if (s.depositsSent >= policy.microDeposit.maxRequests) {
    throw new AttemptsExceededError(
      'Micro-deposits in this verification',
      'verify with the SMS code of a card whose reserved mobile matches',
    );
  }
  return [
    event('MicroDepositRequested', {
      at: data.at,
      depositId: data.depositId,
      amountHash: data.amountHash,
    }),
  ];
}

function recordDepositSettled(
  { data }: RecordDepositSettled,
  state: VerificationState,
  policy: VerificationPolicy,
): VerificationEvent[] {
  if (state.status !== 'micro_deposit_pending') return [];
  if (state.deposit.depositId !== data.depositId) return [];
  const windowEndsAt = addMillis(data.at, policy.microDeposit.confirmationWindowMs);
  return [event('MicroDepositSettled', { at: data.at, depositId: data.depositId, windowEndsAt })];
}

function recordDepositFailed(
  { data }: RecordDepositFailed,
  state: VerificationState,
): VerificationEvent[] {
  if (state.status !== 'micro_deposit_pending') return [];
  if (state.deposit.depositId !== data.depositId) return [];
  return [
    event('MicroDepositPayoutFailed', {
      at: data.at,
      depositId: data.depositId,
      reason: data.reason,
    }),
  ];
}

function confirmMicroDeposit(
  { data }: ConfirmMicroDeposit,
  state: VerificationState,
  policy: VerificationPolicy,
): VerificationEvent[] {
  const s = inState(state, ['micro_deposit_settled'], 'ConfirmMicroDeposit');
  if (isAtOrAfter(data.at, s.deposit.windowEndsAt)) throw new MicroDepositExpiredError();
  if (data.amountHash === s.deposit.amountHash) {
    return [
      event('MicroDepositConfirmed', { at: data.at }),
      event('Authenticated', { at: data.at, tier: tierOnAuthentication(s), via: 'micro_deposit' }),
    ];
  }
  const { maxWrongAttempts } = policy.microDeposit;
  const attemptsLeft = Math.max(0, maxWrongAttempts - (s.deposit.wrongAttempts + 1));
  const rejected = event('MicroDepositAmountRejected', { at: data.at, attemptsLeft });
  return attemptsLeft > 0
    ? [rejected]
    : [rejected, event('MicroDepositFailed', { at: data.at, reason: 'attempts_exhausted' })];
}

function expireMicroDeposit(
  { data }: ExpireMicroDeposit,
  state: VerificationState,
): VerificationEvent[] {
  if (state.status !== 'micro_deposit_settled') return [];
  if (!isAtOrAfter(data.at, state.deposit.windowEndsAt)) return [];
  return [event('MicroDepositExpired', { at: data.at })];
}

function changeBankCard({ data }: ChangeBankCard, state: VerificationState): VerificationEvent[] {
  const s = inState(
    state,
    CONFIRMED_STATUSES.filter((status) => status !== 'authenticated'),
    'ChangeBankCard',
  );
  if (s.status === 'bank_card_required') {
    if (s.cardStep.stage === 'checking') {
      throw refused(s, 'ChangeBankCard', 'the bank is checking the card');
    }
    // Nothing to change: a repeated request.
    if (s.cardStep.stage === 'entry' && !s.cardStep.refused) return [];
  }
  return [event('BankCardChanged', { at: data.at })];
}

// ── 6. associations and effects of other accounts ───────────────────────────────────

function associateAccount(
  { data }: AssociateAccount,
  state: VerificationState,
): VerificationEvent[] {
  const s = inState(
    state,
    [
      'not_started',
      'identity_pending',
      'identity_mismatch',
      'manual_review_rejected',
      'identity_occupied',
      'appeal_denied',
      'associated',
    ],
    'AssociateAccount',
  );
  if (s.status === 'associated') {
    if (s.mainAccountId === data.mainAccountId) return [];
    throw refused(s, 'AssociateAccount', 'already associated with another account');
  }
  if (s.status === 'identity_pending' && s.awaiting === 'authority') {
    throw refused(s, 'AssociateAccount', 'the identity is being checked');
  }
  return [
    event('AccountAssociated', {
      at: data.at,
      mainAccountId: data.mainAccountId,
      via: 'main_account',
    }),
  ];
}

function acceptAssociatedAccount(
  { data }: AcceptAssociatedAccount,
  state: VerificationState,
): VerificationEvent[] {
  const holder = heldIdentity(state);
  if (!holder || holder.associatedAccounts.includes(data.accountId)) return [];
  return [event('AssociatedAccountAccepted', { at: data.at, accountId: data.accountId })];
}

function revokeIdentity({ data }: RevokeIdentity, state: VerificationState): VerificationEvent[] {
  const holder = heldIdentity(state);
  // The account may have moved on to another identity, or lost this one already.
  if (!holder || holder.identity.registryId !== data.registryId) return [];
  return [
    event('IdentityRevoked', {
      at: data.at,
      registryId: data.registryId,
      reason: data.reason,
      byAccountId: data.byAccountId,
      notice: REVOCATION_NOTICES[data.reason],
    }),
  ];
}

// ── helpers ─────────────────────────────────────────────────────────────────────────

function event<T extends VerificationEventType>(
  type: T,
  data: EventOfType<T>['data'],
): EventOfType<T> {
  return { type, data } as EventOfType<T>;
}

/** Codes sent to the account in the last hour and day stay under the policy's caps. */
function assertSmsSendAllowed(
  state: { smsSentAt: readonly string[] },
  at: string,
  policy: VerificationPolicy,
): void {
  const { maxSendsPerHour, maxSendsPerDay } = policy.smsCode;
  for (const [window, spanMs, max] of [
    ['hour', 60 * 60 * 1000, maxSendsPerHour],
    ['day', 24 * 60 * 60 * 1000, maxSendsPerDay],
  ] as const) {
    const recent = state.smsSentAt.filter((sent) => toMillis(at) - toMillis(sent) < spanMs);
    if (recent.length >= max) {
      // Another code may go when the oldest of these leaves the window.
      const freeAt = new Date(toMillis(recent[recent.length - max]) + spanMs).toISOString();
      throw new SmsSendLimitError(window, secondsUntil(at, freeAt));
    }
  }
}

function smsCodeIssued(
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
function inState<S extends VerificationStatus>(
  state: VerificationState,
  statuses: readonly S[],
  command: VerificationCommand['type'],
): StateOf<S> {
  if (!isIn(state, statuses)) throw new WrongStateError(state.status, command);
  return state;
}

function refused(state: VerificationState, command: VerificationCommand['type'], reason: string) {
  return new WrongStateError(state.status, command, reason);
}

function notAllowed(command: VerificationCommand, state: VerificationState): Error {
  if (state.status === 'locked') {
    return new IdentitySubmissionLockedError(
      state.until,
      secondsUntil(command.data.at, state.until),
    );
  }
  if (command.type === 'SubmitIdentity' && hasConfirmedIdentity(state)) {
    return new IdentityAlreadyConfirmedError();
  }
  return new WrongStateError(state.status, command.type);
}

function checkingIdentity(state: VerificationState) {
  return state.status === 'identity_pending' && state.awaiting === 'authority' ? state : undefined;
}

/** The holder of a verified identity, also while its identity submission is locked. */
function heldIdentity(state: VerificationState): HolderState | undefined {
  if (isHolder(state)) return state;
  if (state.status === 'locked' && isHolder(state.resume)) return state.resume;
  return undefined;
}

function openCaseOf(state: StateOf<'manual_review_pending' | 'appeal_pending'>) {
  return state.status === 'manual_review_pending' ? state.review : state.appeal;
}

function assertOpenCase(
  state: StateOf<'manual_review_pending' | 'appeal_pending'>,
  command: VerificationCommand['type'],
  caseId: string,
): void {
  if (openCaseOf(state).caseId !== caseId) {
    throw refused(state, command, `case ${caseId} is not this account's open case`);
  }
}

function assertCertificates(documentIds: string[], min: number, max: number): void {
  const distinct = new Set(documentIds).size;
  if (distinct !== documentIds.length || distinct < min || distinct > max) {
    throw new InvalidCertificatesError(min, max, documentIds.length);
  }
}

function requireReason(data: { reasonCode?: string; userMessage?: string }) {
  const reasonCode = data.reasonCode?.trim();
  const userMessage = data.userMessage?.trim();
  if (!reasonCode || !userMessage) throw new ReasonRequiredError();
  return { reasonCode, userMessage };
}

/** The table is the contract: a decision outside its row is a bug, not a user error. */
function assertWithinRow(
  row: Transition,
  state: VerificationState,
  events: VerificationEvent[],
): void {
  if (events.length === 0) return;
  const stray = events.find((e) => !row.events.includes(e.type));
  const to = events.reduce(evolve, state).status;
  if (stray || !row.to.includes(to)) {
    throw new Error(
      `Transition outside the table: ${row.from} --${row.command}--> ${to} ` +
        `with [${events.map((e) => e.type).join(', ')}]`,
    );
  }
}
