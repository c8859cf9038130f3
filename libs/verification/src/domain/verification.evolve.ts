import type { VerificationEvent } from './verification.events';
import {
  commonOf,
  confirmedHolderOf,
  holderOf,
  isHolder,
  isIn,
  type ConfirmedHolder,
  type ConfirmedState,
  type HolderState,
  type StateOf,
  type Unlockable,
  type VerificationState,
  type VerificationStatus,
  ASSOCIABLE_STATUSES,
  CONFIRMED_STATUSES,
  UNLOCKABLE_STATUSES,
} from './verification.state';

/**
 * Folds one event into the state. Events are facts, so this never throws: an event
 * that does not fit the state (which only a bug could have stored) leaves it unchanged.
 */
export function evolve(state: VerificationState, event: VerificationEvent): VerificationState {
  switch (event.type) {
    case 'VerificationStarted':
      return state.status === 'not_started'
        ? {
            status: 'identity_pending',
            awaiting: 'submission',
            region: event.data.region,
            passwordFailures: 0,
            smsSentAt: [],
            depositsSent: 0,
          }
        : state;

    // identity
    case 'PaymentPasswordRejected':
      return onUnlockable(state, (s) => ({ ...s, passwordFailures: s.passwordFailures + 1 }));
    case 'IdentitySubmissionLocked':
      return onUnlockable(state, (s) => ({ status: 'locked', until: event.data.until, resume: s }));
    case 'IdentitySubmissionUnlocked':
      return state.status === 'locked' ? { ...state.resume, passwordFailures: 0 } : state;
    case 'IdentitySubmitted':
      return onUnlockable(state, (s) => ({
        status: 'identity_pending',
        awaiting: 'authority',
        ...commonOf(s),
        passwordFailures: 0,
        identity: event.data.identity,
        check: { attempt: 1 },
      }));
    case 'IdentityVerified':
      return onCheckingIdentity(state, (s) => ({
        status: 'identity_verified',
        ...commonOf(s),
        identity: s.identity,
        verifiedBy: 'authority',
        associatedAccounts: [],
        deferred: false,
      }));
    case 'IdentityMismatched':
      return onCheckingIdentity(state, (s) => ({
        status: 'identity_mismatch',
        ...commonOf(s),
        identity: s.identity,
      }));
    case 'IdentityCheckDeferred':
      return onCheckingIdentity(state, (s) => ({
        ...s,
        check: { attempt: event.data.attempt, retryAt: event.data.retryAt },
      }));
    case 'IdentityCheckRetried':
      return onCheckingIdentity(state, (s) => ({ ...s, check: { attempt: event.data.attempt } }));
    case 'IdentityOccupied':
      return onCheckingIdentity(state, (s) => ({
        status: 'identity_occupied',
        ...commonOf(s),
        identity: s.identity,
        occupancy: {
          holderAccountId: event.data.holderAccountId,
          holderStatus: event.data.holderStatus,
          disputed: false,
        },
      }));

    // manual review and appeal
    case 'ManualReviewRequested':
      return on(state, ['identity_mismatch', 'manual_review_rejected'], (s) => ({
        status: 'manual_review_pending',
        ...commonOf(s),
        identity: s.identity,
        review: {
          caseId: event.data.caseId,
          dueAt: event.data.dueAt,
          documentIds: event.data.documentIds,
        },
      }));
    case 'ReuploadRequested':
      return onOpenCase(state, (open) => ({
        ...open,
        reupload: {
          documentKind: event.data.documentKind,
          userMessage: event.data.userMessage,
          requestedAt: event.data.at,
        },
      }));
    case 'ReuploadProvided':
      return onOpenCase(state, ({ caseId, dueAt, documentIds, provisional }) => ({
        caseId,
        dueAt: event.data.dueAt ?? dueAt,
        documentIds: [...documentIds, ...event.data.documentIds],
        ...(provisional ? { provisional } : {}),
      }));
    case 'ManualReviewApproved':
      return on(state, ['manual_review_pending'], (s) => ({
        status: 'bank_card_required',
        ...commonOf(s),
        identity: s.identity,
        verifiedBy: 'manual_review',
        associatedAccounts: [],
        idDocuments: 'not_asked',
        cardStep: { stage: 'entry' },
      }));
    case 'ManualReviewRejected':
      return on(state, ['manual_review_pending'], (s) => ({
        status: 'manual_review_rejected',
        ...commonOf(s),
        identity: s.identity,
        rejection: {
          caseId: event.data.caseId,
          reasonCode: event.data.reasonCode,
          userMessage: event.data.userMessage,
          final: event.data.final,
        },
      }));

    // occupancy
    case 'OccupancyClaimedAsOwn':
      return on(state, ['identity_occupied'], (s) => ({
        ...verifiedFrom(s),
        associatedWith: event.data.holderAccountId,
      }));
    case 'OccupancyDisputed':
      return on(state, ['identity_occupied'], (s) => ({
        ...s,
        occupancy: { ...s.occupancy, disputed: true },
      }));
    case 'IdentityReclaimed':
      return on(state, ['identity_occupied'], verifiedFrom);
    case 'AccountAssociated':
      return on(state, ASSOCIABLE_STATUSES, () => ({
        status: 'associated',
        mainAccountId: event.data.mainAccountId,
        via: event.data.via,
      }));
    case 'AppealFiled':
      return on(state, ['identity_occupied'], (s) => ({
        status: 'appeal_pending',
        ...commonOf(s),
        identity: s.identity,
        occupancy: s.occupancy,
        appeal: {
          caseId: event.data.caseId,
          dueAt: event.data.dueAt,
          documentIds: event.data.documentIds,
          ...(event.data.provisional
            ? { provisional: { filedAt: event.data.at, dueAt: event.data.dueAt } }
            : {}),
        },
      }));
    case 'AppealDeadlineConfirmed':
      return on(state, ['appeal_pending'], (s) => {
        const { provisional: _provisional, ...appeal } = s.appeal;
        return { ...s, appeal: { ...appeal, dueAt: event.data.dueAt } };
      });
    case 'AppealUpheld':
      return on(state, ['appeal_pending'], verifiedFrom);
    case 'AppealDenied':
      return on(state, ['appeal_pending'], (s) => ({
        status: 'appeal_denied',
        ...commonOf(s),
        identity: s.identity,
        denial: {
          caseId: event.data.caseId,
          reasonCode: event.data.reasonCode,
          userMessage: event.data.userMessage,
        },
      }));

    // confirmation and ID photos
    case 'IdentityConfirmed':
      return on(state, ['identity_verified'], (s) => ({
        status: 'identity_confirmed',
        ...holderOf(s),
        documentCheck: { status: 'none' },
      }));
    case 'ConfirmationDeferred':
      return on(state, ['identity_verified'], (s) => ({ ...s, deferred: true }));
    case 'IdDocumentsSubmitted':
      return on(state, ['identity_confirmed', 'authenticated'], (s) => ({
        ...s,
        documentCheck: {
          status: 'checking',
          frontId: event.data.frontId,
          backId: event.data.backId,
        },
      }));
    case 'IdDocumentsAccepted':
      if (state.status === 'identity_confirmed') {
        return toCardEntry({ ...holderOf(state), idDocuments: 'accepted' });
      }
      return on(state, ['authenticated'], (s) => ({
        ...s,
        idDocuments: 'accepted',
        documentCheck: { status: 'none' },
      }));
    case 'IdDocumentsRejected':
      return on(state, ['identity_confirmed', 'authenticated'], (s) => ({
        ...s,
        documentCheck: { status: 'rejected', reason: event.data.reason },
      }));
    case 'IdDocumentsSkipped':
      return on(state, ['identity_confirmed'], (s) =>
        toCardEntry({ ...holderOf(s), idDocuments: 'skipped' }),
      );
    case 'TierUpgraded':
      return on(state, ['authenticated'], (s) => ({ ...s, tier: event.data.tier }));

    // bank card
    case 'BankCardSubmitted':
      return on(state, ['bank_card_required'], (s) => ({
        ...s,
        cardStep: { stage: 'checking', card: event.data.card },
      }));
    case 'BankCardMatched':
      return on(state, ['bank_card_required'], (s) =>
        s.cardStep.stage === 'checking'
          ? { ...s, cardStep: { stage: 'matched', card: s.cardStep.card } }
          : s,
      );
    case 'BankCardCheckFailed':
      return on(state, ['bank_card_required'], (s) =>
        s.cardStep.stage === 'checking'
          ? {
              status: 'bank_card_mismatch',
              ...confirmedHolderOf(s),
              card: s.cardStep.card,
              failure: {
                reason: event.data.reason,
                supportsPaymentVerification: event.data.supportsPaymentVerification,
              },
            }
          : s,
      );
    case 'BankCardRefused':
      return on(state, ['bank_card_required'], (s) => ({
        ...s,
        cardStep: { stage: 'entry', refused: { reason: event.data.reason } },
      }));
    case 'BankCardChanged':
      return isIn(state, CONFIRMED_STATUSES) ? toCardEntry(confirmedHolderOf(state)) : state;
    case 'AgreementAccepted':
      return state;

    // SMS code
    case 'SmsCodeIssued': {
      const sms = {
        codeHash: event.data.codeHash,
        expiresAt: event.data.expiresAt,
        resendableAt: event.data.resendableAt,
        wrongAttempts: 0,
        expired: false,
      };
      const sent = (s: ConfirmedHolder) => sentWithin(s.smsSentAt, event.data.at);
      // A resend replaces the code, not the count of wrong entries.
      if (state.status === 'sms_pending') {
        return {
          ...state,
          smsSentAt: sent(state),
          sms: { ...sms, wrongAttempts: state.sms.wrongAttempts },
        };
      }
      return on(state, ['bank_card_required'], (s) =>
        s.cardStep.stage === 'matched'
          ? {
              status: 'sms_pending',
              ...confirmedHolderOf(s),
              smsSentAt: sent(s),
              card: s.cardStep.card,
              sms,
            }
          : s,
      );
    }
    case 'SmsCodeVerified':
      return state;
    case 'SmsCodeRejected':
      return on(state, ['sms_pending'], (s) => ({
        ...s,
        sms: { ...s.sms, wrongAttempts: s.sms.wrongAttempts + 1 },
      }));
    case 'SmsCodeAttemptsExhausted':
      return on(state, ['sms_pending'], (s) => ({
        status: 'bank_card_required',
        ...confirmedHolderOf(s),
        cardStep: { stage: 'matched', card: s.card, smsAttemptsExhausted: true },
      }));
    case 'SmsCodeExpired':
      return on(state, ['sms_pending'], (s) => ({ ...s, sms: { ...s.sms, expired: true } }));

    // micro-deposit
    case 'MicroDepositRequested':
      return on(state, ['bank_card_mismatch'], (s) => ({
        status: 'micro_deposit_pending',
        ...confirmedHolderOf(s),
        card: s.card,
        depositsSent: s.depositsSent + 1,
        failure: s.failure,
        deposit: { depositId: event.data.depositId, amountHash: event.data.amountHash },
      }));
    case 'MicroDepositSettled':
      return on(state, ['micro_deposit_pending'], (s) => ({
        ...s,
        status: 'micro_deposit_settled',
        deposit: { ...s.deposit, windowEndsAt: event.data.windowEndsAt, wrongAttempts: 0 },
      }));
    case 'MicroDepositPayoutFailed':
      return on(state, ['micro_deposit_pending'], (s) => backToMismatch(s, 'payout_failed'));
    case 'MicroDepositAmountRejected':
      return on(state, ['micro_deposit_settled'], (s) => ({
        ...s,
        deposit: { ...s.deposit, wrongAttempts: s.deposit.wrongAttempts + 1 },
      }));
    case 'MicroDepositFailed':
      return on(state, ['micro_deposit_settled'], (s) => backToMismatch(s, 'attempts_exhausted'));
    case 'MicroDepositExpired':
      return on(state, ['micro_deposit_settled'], (s) => backToMismatch(s, 'expired'));
    case 'MicroDepositConfirmed':
      return state;

    case 'Authenticated':
      return on(state, ['bank_card_required', 'sms_pending', 'micro_deposit_settled'], (s) => {
        const card = s.status === 'bank_card_required' ? cardOf(s) : s.card;
        return card
          ? {
              status: 'authenticated',
              ...confirmedHolderOf(s),
              tier: event.data.tier,
              card,
              documentCheck: { status: 'none' },
            }
          : s;
      });

    // effects of other accounts
    case 'IdentityRevoked':
      return onHolder(state, (s) => ({
        status: 'identity_pending',
        awaiting: 'submission',
        ...commonOf(s),
        revoked: { reason: event.data.reason, notice: event.data.notice },
      }));
    case 'AssociatedAccountAccepted':
      return onHolder(state, (s) => ({
        ...s,
        associatedAccounts: [...s.associatedAccounts, event.data.accountId],
      }));

    default:
      return assertNever(event);
  }
}

function on<S extends VerificationStatus>(
  state: VerificationState,
  statuses: readonly S[],
  change: (state: StateOf<S>) => VerificationState,
): VerificationState {
  return isIn(state, statuses) ? change(state) : state;
}

function onUnlockable(
  state: VerificationState,
  change: (state: Unlockable) => VerificationState,
): VerificationState {
  return isIn(state, UNLOCKABLE_STATUSES) &&
    (state.status !== 'identity_pending' || state.awaiting === 'submission')
    ? change(state as Unlockable)
    : state;
}

function onCheckingIdentity(
  state: VerificationState,
  change: (state: StateOf<'identity_pending'> & { awaiting: 'authority' }) => VerificationState,
): VerificationState {
  return state.status === 'identity_pending' && state.awaiting === 'authority'
    ? change(state)
    : state;
}

function onOpenCase(
  state: VerificationState,
  change: (
    open: StateOf<'manual_review_pending'>['review'],
  ) => StateOf<'manual_review_pending'>['review'],
): VerificationState {
  if (state.status === 'manual_review_pending') return { ...state, review: change(state.review) };
  if (state.status === 'appeal_pending') return { ...state, appeal: change(state.appeal) };
  return state;
}

/** A holder, or a lock that fell on a holder (the lock stays). */
function onHolder(
  state: VerificationState,
  change: (state: HolderState) => VerificationState,
): VerificationState {
  if (isHolder(state)) return change(state);
  if (state.status === 'locked' && isHolder(state.resume)) {
    const resume = change(state.resume);
    return isIn(resume, UNLOCKABLE_STATUSES) ? { ...state, resume: resume as Unlockable } : state;
  }
  return state;
}

function verifiedFrom(state: StateOf<'identity_occupied' | 'appeal_pending'>): VerificationState {
  return {
    status: 'identity_verified',
    ...commonOf(state),
    identity: state.identity,
    verifiedBy: 'authority',
    associatedAccounts: [],
    deferred: false,
  };
}

// Sends older than a day no longer count against any cap.
const SEND_MEMORY_MS = 24 * 60 * 60 * 1000;

/** The sends of the last day, and one more at `at`. */
function sentWithin(sentAt: readonly string[], at: string): string[] {
  const since = Date.parse(at) - SEND_MEMORY_MS;
  return [...sentAt.filter((sent) => Date.parse(sent) > since), at];
}

function toCardEntry(holder: ConfirmedHolder): VerificationState {
  return { status: 'bank_card_required', ...holder, cardStep: { stage: 'entry' } };
}

function backToMismatch(
  state: StateOf<'micro_deposit_pending' | 'micro_deposit_settled'>,
  lastDeposit: StateOf<'bank_card_mismatch'>['lastDeposit'],
): VerificationState {
  return {
    status: 'bank_card_mismatch',
    ...confirmedHolderOf(state),
    card: state.card,
    failure: state.failure,
    lastDeposit,
  };
}

function cardOf(state: ConfirmedState & { status: 'bank_card_required' }) {
  const step = state.cardStep;
  return step.stage === 'entry' ? undefined : step.card;
}

export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
