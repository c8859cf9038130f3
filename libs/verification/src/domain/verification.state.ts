// The state of one account's real-name verification: a union tagged by `status`,
// whose values are exactly the public states of DESIGN §4. Steps inside a state
// (awaiting the authority, awaiting the bank, agreement pending…) are fields.

export const SUPPORTED_REGIONS = ['mainland'] as const;
export type Region = (typeof SUPPORTED_REGIONS)[number];

/** Name and ID number, encrypted by the application under the identity's data key. */
export interface EncryptedIdentity {
  name: string;
  idNumber: string;
}

/**
 * An identity as events carry it: ciphertext and opaque ids, nothing that would let
 * anyone recover the name or ID number once its data key is shredded (no hash, no mask;
 * masks are derived from the decrypted values when read).
 */
export interface SubmittedIdentity {
  encrypted: EncryptedIdentity;
  /**
   * The personal-data subject whose data key encrypted `encrypted` (and the card's
   * data, and the documents uploaded for it): one per submitted identity, since a
   * shredded subject never gets a key again.
   */
  subjectId?: string;
  /**
   * The identity registry of this ID number: a random id that the occupancy lookup (a
   * keyed hash of the ID number, outside the log) points to while a submission of the
   * number lives. Two submissions of one ID number share it.
   */
  registryId: string;
}

/** Card number and the mobile reserved at the bank, encrypted by the application. */
export interface EncryptedBankCard {
  cardNumber: string;
  mobile: string;
}

export interface SubmittedBankCard {
  encrypted: EncryptedBankCard;
  /** The quick-pay card already bound to the wallet, which the user just confirmed. */
  bound: boolean;
}

export type HolderStatus = 'authenticated' | 'identity_verified';
export type Tier = 'none' | 'limited' | 'full';
export type BankCheckFailure = 'mobile_mismatch' | 'verification_failed';
export type RevocationReason = 'appeal_upheld' | 'claimed_by_owner';

/**
 * Something to tell a person, as a message code and its parameters: the words are
 * chosen in the reader's language when read, never stored.
 */
export interface MessageRef {
  code: string;
  params?: Record<string, string | number>;
}

/** Present in every state once the process has started. */
export interface Common {
  region: Region;
  /** Wrong payment passwords in a row; an accepted submission or an unlock resets it. */
  passwordFailures: number;
  /**
   * When SMS codes were sent in the last 24 hours, oldest first, whatever the card:
   * sends are capped per hour and per day for the whole verification.
   */
  smsSentAt: string[];
  /** Micro-deposits sent in this verification, whatever the card: they are capped. */
  depositsSent: number;
}

/** A manual-review or appeal case a person is working on. */
export interface OpenCase {
  caseId: string;
  dueAt: string;
  documentIds: string[];
  /** Set while the reviewer waits for the user to upload a document again. */
  reupload?: { documentKind: string; userMessage: string; requestedAt?: string };
  /**
   * An appeal's due time counted partly by the weekday rule: when it was filed, and
   * the due time that count gave (`dueAt` moves with a re-upload pause).
   */
  provisional?: { filedAt: string; dueAt: string };
}

export interface Occupancy {
  holderAccountId: string;
  holderStatus: HolderStatus;
  /** The user said the identity is not theirs while an authenticated account holds it. */
  disputed: boolean;
}

/** An account whose identity the authority (or a reviewer) has verified. */
export interface Holder extends Common {
  identity: SubmittedIdentity;
  verifiedBy: 'authority' | 'manual_review';
  /** Set when the user said the authenticated account holding the identity is theirs (A, "mine"). */
  associatedWith?: string;
  /** Accounts associated with this one as their main account. */
  associatedAccounts: string[];
}

/** A holder past confirmation, with the outcome of the ID-photo step. */
export interface ConfirmedHolder extends Holder {
  /** `not_asked`: a manual review sent the user straight to the bank card. */
  idDocuments: 'accepted' | 'skipped' | 'not_asked';
}

/** The ID-photo check, during step 4 and again after authentication. */
export type DocumentCheck =
  | { status: 'none' }
  | { status: 'checking'; frontId: string; backId: string }
  | { status: 'rejected'; reason: string };

export interface BankCheckFailed {
  reason: BankCheckFailure;
  supportsPaymentVerification: boolean;
}

export interface NotStartedState {
  status: 'not_started';
}

export interface AwaitingIdentityState extends Common {
  status: 'identity_pending';
  awaiting: 'submission';
  /** Why the account lost the identity it held, for the user to be told. */
  revoked?: { reason: RevocationReason; notice: MessageRef };
}

export interface CheckingIdentityState extends Common {
  status: 'identity_pending';
  awaiting: 'authority';
  identity: SubmittedIdentity;
  /** `retryAt` is set while waiting to call an unavailable authority again. */
  check: { attempt: number; retryAt?: string };
}

export interface IdentityMismatchState extends Common {
  status: 'identity_mismatch';
  identity: SubmittedIdentity;
}

export interface ManualReviewPendingState extends Common {
  status: 'manual_review_pending';
  identity: SubmittedIdentity;
  review: OpenCase;
}

export interface ManualReviewRejectedState extends Common {
  status: 'manual_review_rejected';
  identity: SubmittedIdentity;
  rejection: { caseId: string; reasonCode: string; userMessage: string; final: boolean };
}

export interface IdentityOccupiedState extends Common {
  status: 'identity_occupied';
  identity: SubmittedIdentity;
  occupancy: Occupancy;
}

export interface AppealPendingState extends Common {
  status: 'appeal_pending';
  identity: SubmittedIdentity;
  occupancy: Occupancy;
  appeal: OpenCase;
}

export interface AppealDeniedState extends Common {
  status: 'appeal_denied';
  identity: SubmittedIdentity;
  denial: { caseId: string; reasonCode: string; userMessage: string };
}

export interface IdentityVerifiedState extends Holder {
  status: 'identity_verified';
  /** The user chose "not yet": not authenticated until they come back and confirm. */
  deferred: boolean;
}

export interface IdentityConfirmedState extends Holder {
  status: 'identity_confirmed';
  documentCheck: DocumentCheck;
}

/** Inside the bank-card step: entering a card, waiting for the bank, or agreeing. */
export type CardStep =
  | { stage: 'entry'; refused?: { reason: 'not_quick_pay' } }
  | { stage: 'checking'; card: SubmittedBankCard }
  | { stage: 'matched'; card: SubmittedBankCard; smsAttemptsExhausted?: boolean };

export interface BankCardRequiredState extends ConfirmedHolder {
  status: 'bank_card_required';
  cardStep: CardStep;
}

export interface BankCardMismatchState extends ConfirmedHolder {
  status: 'bank_card_mismatch';
  card: SubmittedBankCard;
  failure: BankCheckFailed;
  /** How the last micro-deposit ended, for the user to be told. */
  lastDeposit?: 'attempts_exhausted' | 'expired' | 'payout_failed';
}

export interface SmsPendingState extends ConfirmedHolder {
  status: 'sms_pending';
  card: SubmittedBankCard;
  sms: {
    /** Keyed hash of the code sent; the code itself is never stored. */
    codeHash: string;
    expiresAt: string;
    resendableAt: string;
    /** Wrong entries in this SMS step, across resends. */
    wrongAttempts: number;
    expired: boolean;
  };
}

export interface MicroDepositPendingState extends ConfirmedHolder {
  status: 'micro_deposit_pending';
  card: SubmittedBankCard;
  failure: BankCheckFailed;
  deposit: { depositId: string; amountHash: string };
}

export interface MicroDepositSettledState extends ConfirmedHolder {
  status: 'micro_deposit_settled';
  card: SubmittedBankCard;
  failure: BankCheckFailed;
  deposit: { depositId: string; amountHash: string; windowEndsAt: string; wrongAttempts: number };
}

export interface AuthenticatedState extends ConfirmedHolder {
  status: 'authenticated';
  tier: 'limited' | 'full';
  card: SubmittedBankCard;
  documentCheck: DocumentCheck;
}

/** Associated with a main account that holds the identity; this account's process ends here. */
export interface AssociatedState {
  status: 'associated';
  mainAccountId: string;
  via: 'occupancy' | 'main_account';
}

/**
 * Where an identity may be submitted (and so a wrong payment password be counted):
 * identity submission can be locked from these states, and the lock returns to them.
 */
export const UNLOCKABLE_STATUSES = [
  'identity_pending',
  'identity_mismatch',
  'manual_review_rejected',
  'identity_occupied',
  'appeal_denied',
  'identity_verified',
] as const satisfies readonly VerificationStatus[];

/** Accounts holding no verified identity of their own may join a main account. */
export const ASSOCIABLE_STATUSES = [
  'not_started',
  'identity_pending',
  'identity_mismatch',
  'manual_review_rejected',
  'identity_occupied',
  'appeal_denied',
] as const satisfies readonly VerificationStatus[];

/** States from which identity submission can be locked, and to which the lock returns. */
export type Unlockable =
  | AwaitingIdentityState
  | IdentityMismatchState
  | ManualReviewRejectedState
  | IdentityOccupiedState
  | AppealDeniedState
  | IdentityVerifiedState;

export interface LockedState {
  status: 'locked';
  until: string;
  /** Where the process was when the lock fell; it resumes there. */
  resume: Unlockable;
}

export type VerificationState =
  | NotStartedState
  | AwaitingIdentityState
  | CheckingIdentityState
  | IdentityMismatchState
  | ManualReviewPendingState
  | ManualReviewRejectedState
  | IdentityOccupiedState
  | AppealPendingState
  | AppealDeniedState
  | IdentityVerifiedState
  | IdentityConfirmedState
  | BankCardRequiredState
  | BankCardMismatchState
  | SmsPendingState
  | MicroDepositPendingState
  | MicroDepositSettledState
  | AuthenticatedState
  | AssociatedState
  | LockedState;

export type VerificationStatus = VerificationState['status'];

export type StateOf<S extends VerificationStatus> = Extract<VerificationState, { status: S }>;

// A record, so that the compiler notices a status missing from the list.
const STATUS_LIST: { [S in VerificationStatus]: true } = {
  not_started: true,
  identity_pending: true,
  identity_mismatch: true,
  manual_review_pending: true,
  manual_review_rejected: true,
  identity_occupied: true,
  appeal_pending: true,
  appeal_denied: true,
  identity_verified: true,
  identity_confirmed: true,
  bank_card_required: true,
  bank_card_mismatch: true,
  sms_pending: true,
  micro_deposit_pending: true,
  micro_deposit_settled: true,
  authenticated: true,
  associated: true,
  locked: true,
};

/** Every status, in the order of the process. */
export const VERIFICATION_STATUSES = Object.keys(STATUS_LIST) as VerificationStatus[];

export const HOLDER_STATUSES = [
  'identity_verified',
  'identity_confirmed',
  'bank_card_required',
  'bank_card_mismatch',
  'sms_pending',
  'micro_deposit_pending',
  'micro_deposit_settled',
  'authenticated',
] as const satisfies readonly VerificationStatus[];

export type HolderState = StateOf<(typeof HOLDER_STATUSES)[number]>;

export const CONFIRMED_STATUSES = [
  'bank_card_required',
  'bank_card_mismatch',
  'sms_pending',
  'micro_deposit_pending',
  'micro_deposit_settled',
  'authenticated',
] as const satisfies readonly VerificationStatus[];

export type ConfirmedState = StateOf<(typeof CONFIRMED_STATUSES)[number]>;

export function initialState(): VerificationState {
  return { status: 'not_started' };
}

export function isIn<S extends VerificationStatus>(
  state: VerificationState,
  statuses: readonly S[],
): state is StateOf<S> {
  return (statuses as readonly string[]).includes(state.status);
}

/** The account holds a verified identity of its own (whether or not it is confirmed). */
export function isHolder(state: VerificationState): state is HolderState {
  return isIn(state, HOLDER_STATUSES);
}

/** The name and ID number are confirmed and can no longer change. */
export function hasConfirmedIdentity(state: VerificationState): boolean {
  return state.status === 'identity_confirmed' || isIn(state, CONFIRMED_STATUSES);
}

// Copies exactly the shared fields, so that leaving a state drops its own fields.
export function commonOf(state: Common): Common {
  return {
    region: state.region,
    passwordFailures: state.passwordFailures,
    smsSentAt: state.smsSentAt,
    depositsSent: state.depositsSent,
  };
}

export function holderOf(state: Holder): Holder {
  return {
    ...commonOf(state),
    identity: state.identity,
    verifiedBy: state.verifiedBy,
    ...(state.associatedWith !== undefined ? { associatedWith: state.associatedWith } : {}),
    associatedAccounts: state.associatedAccounts,
  };
}

export function confirmedHolderOf(state: ConfirmedHolder): ConfirmedHolder {
  return { ...holderOf(state), idDocuments: state.idDocuments };
}

/** The tier an account reaches on authentication, or has once authenticated. */
export function tierOnAuthentication(state: ConfirmedHolder): 'limited' | 'full' {
  return state.idDocuments === 'accepted' ? 'full' : 'limited';
}
