// Test data for the verification specs: instants, identities, cards, and the event
// histories that bring an account to each step. No real personal data.
import type { CommandOfType, VerificationCommandType } from '../verification.commands';
import type { EventOfType, VerificationEvent, VerificationEventType } from '../verification.events';
import type { SubmittedBankCard, SubmittedIdentity } from '../verification.state';

/** Monday 3 March 2025, 10:00 in Shanghai. */
export const T0 = '2025-03-03T02:00:00.000Z';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1e3, m: 6e4, h: 36e5, d: 864e5 };

/** `T0` plus an offset such as `90s`, `5m`, `3h`, `10d` or `1d 2h`. */
export function t(offset = '0s'): string {
  let ms = 0;
  for (const part of offset.trim().split(/\s+/)) {
    const match = /^(-?\d+)(ms|s|m|h|d)$/.exec(part);
    if (!match) throw new Error(`Bad offset ${offset}`);
    ms += Number(match[1]) * UNIT_MS[match[2]];
  }
  return new Date(Date.parse(T0) + ms).toISOString();
}

export function event<T extends VerificationEventType>(
  type: T,
  data: EventOfType<T>['data'],
): VerificationEvent {
  return { type, data } as VerificationEvent;
}

export function command<T extends VerificationCommandType>(
  type: T,
  data: CommandOfType<T>['data'],
): CommandOfType<T> {
  return { type, data } as CommandOfType<T>;
}

export const IDENTITY: SubmittedIdentity = {
  encrypted: { name: 'v1:enc:name-a', idNumber: 'v1:enc:id-a' },
  subjectId: 'identity:subject-a',
  registryId: 'registry-a',
};

export const OTHER_IDENTITY: SubmittedIdentity = {
  encrypted: { name: 'v1:enc:name-b', idNumber: 'v1:enc:id-b' },
  subjectId: 'identity:subject-b',
  registryId: 'registry-b',
};

export const CARD: SubmittedBankCard = {
  encrypted: { cardNumber: 'v1:enc:card-1', mobile: 'v1:enc:mobile-1' },
  bound: false,
};

export const OTHER_CARD: SubmittedBankCard = {
  encrypted: { cardNumber: 'v1:enc:card-2', mobile: 'v1:enc:mobile-2' },
  bound: false,
};

export const BOUND_CARD: SubmittedBankCard = {
  encrypted: { cardNumber: 'v1:enc:card-bound', mobile: 'v1:enc:mobile-bound' },
  bound: true,
};

export const HOLDER = 'acct-holder';
export const MAIN = 'acct-main';
export const OTHER_ACCOUNT = 'acct-other';

// ── histories: each ends with the account at one step ─────────────────────────────

export const started = [event('VerificationStarted', { at: T0, region: 'mainland' })];

export const identitySubmitted = [
  ...started,
  event('IdentitySubmitted', { at: T0, identity: IDENTITY }),
];

export const identityVerified = [...identitySubmitted, event('IdentityVerified', { at: T0 })];

export const identityConfirmed = [...identityVerified, event('IdentityConfirmed', { at: T0 })];

/** ID photos skipped: the card step, heading for the limited tier. */
export const cardRequired = [...identityConfirmed, event('IdDocumentsSkipped', { at: T0 })];

/** ID photos accepted: the card step, heading for the full tier. */
export const cardRequiredWithPhotos = [
  ...identityConfirmed,
  event('IdDocumentsSubmitted', { at: T0, frontId: 'img-front', backId: 'img-back' }),
  event('IdDocumentsAccepted', { at: T0 }),
];

export const cardChecking = [...cardRequired, event('BankCardSubmitted', { at: T0, card: CARD })];

export const cardMatched = [...cardChecking, event('BankCardMatched', { at: T0 })];

/** Code `sms-hash-1` issued at T0: expires at 5m, resendable at 60s. */
export const smsSent = [
  ...cardMatched,
  event('AgreementAccepted', { at: T0 }),
  event('SmsCodeIssued', {
    at: T0,
    codeHash: 'sms-hash-1',
    expiresAt: t('5m'),
    resendableAt: t('60s'),
  }),
];

export const authenticatedLimited = [
  ...smsSent,
  event('SmsCodeVerified', { at: t('1m') }),
  event('Authenticated', { at: t('1m'), tier: 'limited', via: 'sms_code' }),
];

export const cardMismatch = [
  ...cardChecking,
  event('BankCardCheckFailed', {
    at: T0,
    reason: 'mobile_mismatch',
    supportsPaymentVerification: true,
  }),
];

export const depositPending = [
  ...cardMismatch,
  event('MicroDepositRequested', { at: T0, depositId: 'dep-1', amountHash: 'amount-hash-37' }),
];

/** Settled after a day; the window ends at 11d. */
export const depositSettled = [
  ...depositPending,
  event('MicroDepositSettled', { at: t('1d'), depositId: 'dep-1', windowEndsAt: t('11d') }),
];

export const identityMismatched = [...identitySubmitted, event('IdentityMismatched', { at: T0 })];

/** Case `case-mr-1`, due at 48h. */
export const reviewPending = [
  ...identityMismatched,
  event('ManualReviewRequested', {
    at: T0,
    caseId: 'case-mr-1',
    documentIds: ['cert-1', 'cert-2'],
    dueAt: t('48h'),
  }),
];

export const reviewRejected = [
  ...reviewPending,
  event('ManualReviewRejected', {
    at: t('1d'),
    caseId: 'case-mr-1',
    reasonCode: 'blurred_certificate',
    userMessage: 'The certificate photo is blurred.',
    final: false,
  }),
];

/** A: held by an authenticated account. */
export const occupiedByAuthenticated = [
  ...identitySubmitted,
  event('IdentityOccupied', { at: T0, holderAccountId: HOLDER, holderStatus: 'authenticated' }),
];

/** B: held by an account that passed identity verification only. */
export const occupiedByVerified = [
  ...identitySubmitted,
  event('IdentityOccupied', {
    at: T0,
    holderAccountId: HOLDER,
    holderStatus: 'identity_verified',
  }),
];

export const occupancyDisputed = [
  ...occupiedByAuthenticated,
  event('OccupancyDisputed', { at: T0, holderAccountId: HOLDER }),
];

/** Case `case-ap-1`, due at the end of the 3rd working day (Thursday 6 March, Shanghai). */
export const appealPending = [
  ...occupancyDisputed,
  event('AppealFiled', {
    at: T0,
    caseId: 'case-ap-1',
    documentIds: ['cert-1', 'cert-2'],
    dueAt: '2025-03-06T15:59:59.999Z',
  }),
];

export const appealDenied = [
  ...appealPending,
  event('AppealDenied', {
    at: t('2d'),
    caseId: 'case-ap-1',
    reasonCode: 'holder_is_owner',
    userMessage: 'The identity belongs to the holding account.',
  }),
];

function wrongPasswords(count: number, attemptsLeftAfterFirst = 4): VerificationEvent[] {
  return Array.from({ length: count }, (_, i) =>
    event('PaymentPasswordRejected', { at: T0, attemptsLeft: attemptsLeftAfterFirst - i }),
  );
}

export const fourWrongPasswords = [...started, ...wrongPasswords(4)];

/** Locked at T0 until 3h, from the identity step. */
export const locked = [
  ...started,
  ...wrongPasswords(5),
  event('IdentitySubmissionLocked', { at: T0, until: t('3h') }),
];

/** A holder (identity verified, not confirmed) that became a main account. */
export const mainWithAssociate = [
  ...identityVerified,
  event('AssociatedAccountAccepted', { at: T0, accountId: OTHER_ACCOUNT }),
];
