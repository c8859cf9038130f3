import type { DomainEvent } from '@shiming/workflow';
import type {
  BankCheckFailure,
  HolderStatus,
  MessageRef,
  RevocationReason,
  SubmittedBankCard,
  SubmittedIdentity,
} from './verification.state';

export type { MessageRef } from './verification.state';

// Past-tense facts of one account's verification. Personal data appears only encrypted
// (`encrypted`), under the identity's own data key, so that shredding the key leaves
// nothing to recover: no hash or mask of it, ever. Secrets (SMS codes, deposit amounts)
// appear only as keyed hashes; the payment password never. Every event carries `at`, the instant of the
// command that caused it. Events that start a timer carry its due instant.

type EventOf<Type extends string, Data extends object = object> = DomainEvent<
  Type,
  Data & { at: string }
>;

export type VerificationStarted = EventOf<'VerificationStarted', { region: 'mainland' }>;

// identity
export type PaymentPasswordRejected = EventOf<'PaymentPasswordRejected', { attemptsLeft: number }>;
export type IdentitySubmissionLocked = EventOf<'IdentitySubmissionLocked', { until: string }>;
export type IdentitySubmissionUnlocked = EventOf<'IdentitySubmissionUnlocked'>;
export type IdentitySubmitted = EventOf<'IdentitySubmitted', { identity: SubmittedIdentity }>;
export type IdentityVerified = EventOf<'IdentityVerified'>;
export type IdentityMismatched = EventOf<'IdentityMismatched'>;
/** The authority was unavailable; `attempt` failed and the next call is due at `retryAt`. */
export type IdentityCheckDeferred = EventOf<
  'IdentityCheckDeferred',
  { attempt: number; retryAt: string }
>;
export type IdentityCheckRetried = EventOf<'IdentityCheckRetried', { attempt: number }>;
export type IdentityOccupied = EventOf<
  'IdentityOccupied',
  { holderAccountId: string; holderStatus: HolderStatus }
>;

// manual review and appeal cases
export type ManualReviewRequested = EventOf<
  'ManualReviewRequested',
  { caseId: string; documentIds: string[]; dueAt: string }
>;
export type ReuploadRequested = EventOf<
  'ReuploadRequested',
  { caseId: string; documentKind: string; userMessage: string }
>;
// Documents the user added to an open case; `dueAt` is the case's new due time when
// they answer a re-upload request (the SLA clock paused while the case waited on them).
export type ReuploadProvided = EventOf<
  'ReuploadProvided',
  { caseId: string; documentIds: string[]; dueAt?: string }
>;
/** The identity counts as verified and confirmed; the process jumps to the bank card. */
export type ManualReviewApproved = EventOf<'ManualReviewApproved', { caseId: string }>;
export type ManualReviewRejected = EventOf<
  'ManualReviewRejected',
  { caseId: string; reasonCode: string; userMessage: string; final: boolean }
>;

// occupancy
/** A: the authenticated holder is the user's own account; this one continues, associated. */
export type OccupancyClaimedAsOwn = EventOf<'OccupancyClaimedAsOwn', { holderAccountId: string }>;
/** A: the authenticated holder is not the user's; an appeal is needed. */
export type OccupancyDisputed = EventOf<'OccupancyDisputed', { holderAccountId: string }>;
/** B, "not mine": this account continues; the holder's identity is to be revoked. */
export type IdentityReclaimed = EventOf<
  'IdentityReclaimed',
  { holderAccountId: string; registryId: string }
>;
/** This account now belongs to a main account (B "mine", or associated by an authenticated main). */
export type AccountAssociated = EventOf<
  'AccountAssociated',
  { mainAccountId: string; via: 'occupancy' | 'main_account' }
>;
/**
 * `provisional`: `dueAt` was counted partly by the weekday rule, past the calendar's
 * data; `AppealDeadlineConfirmed` replaces it once the data is there. Absent in events
 * written before it existed, which read as official.
 */
export type AppealFiled = EventOf<
  'AppealFiled',
  { caseId: string; documentIds: string[]; dueAt: string; provisional?: true }
>;
/** The official due time of a provisional appeal deadline (plus any re-upload pause). */
export type AppealDeadlineConfirmed = EventOf<
  'AppealDeadlineConfirmed',
  { caseId: string; dueAt: string; provisionalDueAt: string }
>;
/** This account continues; the holder's identity is to be revoked. */
export type AppealUpheld = EventOf<
  'AppealUpheld',
  { caseId: string; holderAccountId: string; registryId: string }
>;
export type AppealDenied = EventOf<
  'AppealDenied',
  { caseId: string; reasonCode: string; userMessage: string }
>;

// confirmation and ID photos
export type IdentityConfirmed = EventOf<'IdentityConfirmed'>;
export type ConfirmationDeferred = EventOf<'ConfirmationDeferred'>;
export type IdDocumentsSubmitted = EventOf<
  'IdDocumentsSubmitted',
  { frontId: string; backId: string }
>;
export type IdDocumentsAccepted = EventOf<'IdDocumentsAccepted'>;
export type IdDocumentsRejected = EventOf<'IdDocumentsRejected', { reason: string }>;
export type IdDocumentsSkipped = EventOf<'IdDocumentsSkipped'>;
export type TierUpgraded = EventOf<'TierUpgraded', { tier: 'full' }>;

// bank card
export type BankCardSubmitted = EventOf<'BankCardSubmitted', { card: SubmittedBankCard }>;
export type BankCardMatched = EventOf<'BankCardMatched'>;
export type BankCardCheckFailed = EventOf<
  'BankCardCheckFailed',
  { reason: BankCheckFailure; supportsPaymentVerification: boolean }
>;
export type BankCardRefused = EventOf<'BankCardRefused', { reason: 'not_quick_pay' }>;
export type BankCardChanged = EventOf<'BankCardChanged'>;
export type AgreementAccepted = EventOf<'AgreementAccepted'>;

// SMS code
/** A new code was generated; any earlier code is void. */
export type SmsCodeIssued = EventOf<
  'SmsCodeIssued',
  { codeHash: string; expiresAt: string; resendableAt: string }
>;
export type SmsCodeVerified = EventOf<'SmsCodeVerified'>;
export type SmsCodeRejected = EventOf<'SmsCodeRejected', { attemptsLeft: number }>;
export type SmsCodeAttemptsExhausted = EventOf<'SmsCodeAttemptsExhausted'>;
export type SmsCodeExpired = EventOf<'SmsCodeExpired'>;

// micro-deposit
export type MicroDepositRequested = EventOf<
  'MicroDepositRequested',
  { depositId: string; amountHash: string }
>;
/** The amount arrived on the card; the user is told and has until `windowEndsAt`. */
export type MicroDepositSettled = EventOf<
  'MicroDepositSettled',
  { depositId: string; windowEndsAt: string }
>;
export type MicroDepositPayoutFailed = EventOf<
  'MicroDepositPayoutFailed',
  { depositId: string; reason: string }
>;
export type MicroDepositAmountRejected = EventOf<
  'MicroDepositAmountRejected',
  { attemptsLeft: number }
>;
export type MicroDepositFailed = EventOf<'MicroDepositFailed', { reason: 'attempts_exhausted' }>;
export type MicroDepositExpired = EventOf<'MicroDepositExpired'>;
export type MicroDepositConfirmed = EventOf<'MicroDepositConfirmed'>;

// outcome
export type Authenticated = EventOf<
  'Authenticated',
  { tier: 'limited' | 'full'; via: 'sms_code' | 'micro_deposit' | 'bound_card' }
>;

// effects of other accounts
/**
 * This account lost the identity it held; the application deletes the identity's data
 * key (crypto-shredding) and tells the user `notice`.
 */
export type IdentityRevoked = EventOf<
  'IdentityRevoked',
  { registryId: string; reason: RevocationReason; byAccountId: string; notice: MessageRef }
>;
export type AssociatedAccountAccepted = EventOf<'AssociatedAccountAccepted', { accountId: string }>;

export type VerificationEvent =
  | VerificationStarted
  | PaymentPasswordRejected
  | IdentitySubmissionLocked
  | IdentitySubmissionUnlocked
  | IdentitySubmitted
  | IdentityVerified
  | IdentityMismatched
  | IdentityCheckDeferred
  | IdentityCheckRetried
  | IdentityOccupied
  | ManualReviewRequested
  | ReuploadRequested
  | ReuploadProvided
  | ManualReviewApproved
  | ManualReviewRejected
  | OccupancyClaimedAsOwn
  | OccupancyDisputed
  | IdentityReclaimed
  | AccountAssociated
  | AppealFiled
  | AppealDeadlineConfirmed
  | AppealUpheld
  | AppealDenied
  | IdentityConfirmed
  | ConfirmationDeferred
  | IdDocumentsSubmitted
  | IdDocumentsAccepted
  | IdDocumentsRejected
  | IdDocumentsSkipped
  | TierUpgraded
  | BankCardSubmitted
  | BankCardMatched
  | BankCardCheckFailed
  | BankCardRefused
  | BankCardChanged
  | AgreementAccepted
  | SmsCodeIssued
  | SmsCodeVerified
  | SmsCodeRejected
  | SmsCodeAttemptsExhausted
  | SmsCodeExpired
  | MicroDepositRequested
  | MicroDepositSettled
  | MicroDepositPayoutFailed
  | MicroDepositAmountRejected
  | MicroDepositFailed
  | MicroDepositExpired
  | MicroDepositConfirmed
  | Authenticated
  | IdentityRevoked
  | AssociatedAccountAccepted;

export type VerificationEventType = VerificationEvent['type'];

export type EventOfType<T extends VerificationEventType> = Extract<VerificationEvent, { type: T }>;

/**
 * The schema version each event type is written with, for the event store's type
 * registry. Bump it (and register an upcaster) when an event's data changes shape.
 */
export const VERIFICATION_EVENT_SCHEMA_VERSIONS: { [T in VerificationEventType]: number } = {
  VerificationStarted: 1,
  PaymentPasswordRejected: 1,
  IdentitySubmissionLocked: 1,
  IdentitySubmissionUnlocked: 1,
  IdentitySubmitted: 2,
  IdentityVerified: 1,
  IdentityMismatched: 1,
  IdentityCheckDeferred: 1,
  IdentityCheckRetried: 1,
  IdentityOccupied: 1,
  ManualReviewRequested: 1,
  ReuploadRequested: 1,
  ReuploadProvided: 1,
  ManualReviewApproved: 1,
  ManualReviewRejected: 1,
  OccupancyClaimedAsOwn: 1,
  OccupancyDisputed: 1,
  IdentityReclaimed: 2,
  AccountAssociated: 1,
  AppealFiled: 1,
  AppealDeadlineConfirmed: 1,
  AppealUpheld: 2,
  AppealDenied: 1,
  IdentityConfirmed: 1,
  ConfirmationDeferred: 1,
  IdDocumentsSubmitted: 1,
  IdDocumentsAccepted: 1,
  IdDocumentsRejected: 1,
  IdDocumentsSkipped: 1,
  TierUpgraded: 1,
  BankCardSubmitted: 2,
  BankCardMatched: 1,
  BankCardCheckFailed: 1,
  BankCardRefused: 2,
  BankCardChanged: 1,
  AgreementAccepted: 1,
  SmsCodeIssued: 1,
  SmsCodeVerified: 1,
  SmsCodeRejected: 1,
  SmsCodeAttemptsExhausted: 1,
  SmsCodeExpired: 1,
  MicroDepositRequested: 1,
  MicroDepositSettled: 1,
  MicroDepositPayoutFailed: 1,
  MicroDepositAmountRejected: 1,
  MicroDepositFailed: 1,
  MicroDepositExpired: 1,
  MicroDepositConfirmed: 1,
  Authenticated: 1,
  IdentityRevoked: 3,
  AssociatedAccountAccepted: 1,
};

export const VERIFICATION_EVENT_TYPES = Object.keys(
  VERIFICATION_EVENT_SCHEMA_VERSIONS,
) as VerificationEventType[];

type Data = Record<string, unknown>;

/**
 * Version 1 of these events carried the keyed hash of the ID number (and masks) or a
 * card's last digits, which outlived the erasure of the identity. The migration
 * `IdentityIndex1765000000000` rewrote every stored one to version 2 (the hash moved to
 * the erasable occupancy lookup, a registry id in its place); an event of version 1
 * read after it can only have come from a process of the earlier release.
 */
function rewrittenByMigration(type: VerificationEventType): (data: Data) => Data {
  return () => {
    throw new Error(
      `${type} of schema version 1 found: run the migrations (IdentityIndex1765000000000)`,
    );
  };
}

const withoutKey =
  (key: string) =>
  (data: Data): Data =>
    Object.fromEntries(Object.entries(data).filter(([name]) => name !== key));

/** The notice of an identity taken back, as a message code: named by its reason. */
export function revocationNotice(reason: RevocationReason): MessageRef {
  return { code: `identity_revoked_${reason}` };
}

// The English sentences version 2 of IdentityRevoked stored, and the code each one was.
const REVOCATION_PROSE: Record<string, RevocationReason> = {
  'Your real-name identity was removed: its owner proved in an appeal that it is theirs. Verify again with your own identity.':
    'appeal_upheld',
  'Your real-name identity was removed: its owner verified it on their own account. Verify again with your own identity.':
    'claimed_by_owner',
};

/**
 * Version 2 of IdentityRevoked told the user in English prose; version 3 carries the
 * message code (and parameters) instead, worded when read. A sentence this release
 * did not write is told by the event's reason.
 */
function revocationNoticeAsCode(data: Data): Data {
  const prose = typeof data.notice === 'string' ? data.notice : '';
  const reason = REVOCATION_PROSE[prose] ?? (data.reason as RevocationReason);
  return { ...data, notice: revocationNotice(reason) };
}

const UPCASTERS: Partial<Record<VerificationEventType, Record<number, (data: Data) => Data>>> = {
  IdentitySubmitted: { 1: rewrittenByMigration('IdentitySubmitted') },
  IdentityReclaimed: { 1: rewrittenByMigration('IdentityReclaimed') },
  AppealUpheld: { 1: rewrittenByMigration('AppealUpheld') },
  IdentityRevoked: {
    1: rewrittenByMigration('IdentityRevoked'),
    2: revocationNoticeAsCode,
  },
  BankCardSubmitted: {
    1: (data) => ({ ...data, card: withoutKey('cardLast4')(data.card as Data) }),
  },
  BankCardRefused: { 1: withoutKey('cardLast4') },
};

/** Shaped like the event store's `EventTypeDefinition`, to register every type at boot. */
export const VERIFICATION_EVENT_DEFINITIONS = VERIFICATION_EVENT_TYPES.map((type) => ({
  type,
  schemaVersion: VERIFICATION_EVENT_SCHEMA_VERSIONS[type],
  ...(UPCASTERS[type] ? { upcasters: UPCASTERS[type] } : {}),
}));
