// Step 5: the bank card, its agreement and SMS code, or the micro-deposit.
import type {
  AcceptAgreement,
  ChangeBankCard,
  ConfirmMicroDeposit,
  ExpireMicroDeposit,
  ExpireSmsCode,
  RecordBankCheck,
  RecordDepositFailed,
  RecordDepositSettled,
  RequestMicroDeposit,
  ResendSmsCode,
  SubmitBankCard,
  VerifySmsCode,
} from '../verification.commands';
import {
  AttemptsExceededError,
  CodeExpiredError,
  MicroDepositExpiredError,
  PaymentVerificationUnsupportedError,
  ResendTooSoonError,
} from '../verification.errors';
import type { VerificationEvent } from '../verification.events';
import { assertNever } from '../verification.evolve';
import type { VerificationPolicy } from '../verification.policy';
import {
  CONFIRMED_STATUSES,
  tierOnAuthentication,
  type VerificationState,
} from '../verification.state';
import { addMillis, isAtOrAfter, secondsUntil } from '../verification.time';
import { event, assertSmsSendAllowed, smsCodeIssued, inState, refused } from './step-helpers';

// ── 5. bank card ────────────────────────────────────────────────────────────────────

export function submitBankCard(
  { data }: SubmitBankCard,
  state: VerificationState,
): VerificationEvent[] {
  const s = inState(state, ['bank_card_required'], 'SubmitBankCard');
  if (s.cardStep.stage !== 'entry') {
    throw refused(s, 'SubmitBankCard', `a card is ${s.cardStep.stage}; change card first`);
  }
  return [event('BankCardSubmitted', { at: data.at, card: data.card })];
}

export function recordBankCheck(
  { data }: RecordBankCheck,
  state: VerificationState,
): VerificationEvent[] {
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

export function acceptAgreement(
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

export function verifySmsCode(
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

export function resendSmsCode(
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

export function expireSmsCode(
  { data }: ExpireSmsCode,
  state: VerificationState,
): VerificationEvent[] {
  // The timer of a code since replaced fires before the current code's expiry: nothing.
  if (state.status !== 'sms_pending' || state.sms.expired) return [];
  if (!isAtOrAfter(data.at, state.sms.expiresAt)) return [];
  return [event('SmsCodeExpired', { at: data.at })];
}

// ── 5. micro-deposit ────────────────────────────────────────────────────────────────

export function requestMicroDeposit(
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

export function recordDepositSettled(
  { data }: RecordDepositSettled,
  state: VerificationState,
  policy: VerificationPolicy,
): VerificationEvent[] {
  if (state.status !== 'micro_deposit_pending') return [];
  if (state.deposit.depositId !== data.depositId) return [];
  const windowEndsAt = addMillis(data.at, policy.microDeposit.confirmationWindowMs);
  return [event('MicroDepositSettled', { at: data.at, depositId: data.depositId, windowEndsAt })];
}

export function recordDepositFailed(
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

export function confirmMicroDeposit(
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

export function expireMicroDeposit(
  { data }: ExpireMicroDeposit,
  state: VerificationState,
): VerificationEvent[] {
  if (state.status !== 'micro_deposit_settled') return [];
  if (!isAtOrAfter(data.at, state.deposit.windowEndsAt)) return [];
  return [event('MicroDepositExpired', { at: data.at })];
}

export function changeBankCard(
  { data }: ChangeBankCard,
  state: VerificationState,
): VerificationEvent[] {
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
