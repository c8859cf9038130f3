import type {
  HolderStatus,
  RevocationReason,
  SubmittedBankCard,
  SubmittedIdentity,
} from './verification.state';

// Commands carry `at`, the instant from the application's clock, and every value the
// application generated or computed (hashes, ids, the password check's verdict). The
// decider reads the clock of no one and calls no one.

type CommandOf<Type extends string, Data extends object = object> = {
  type: Type;
  data: Data & { at: string };
};

/** Who sends a command, which decides what happens when it does not fit the state. */
export type CommandSource =
  /** the account holder, through the user API */
  | 'user'
  /** a reviewer, support agent or supervisor, through the back office */
  | 'staff'
  /** the result of a call to an outside party (authority, bank, payout, document check) */
  | 'outside'
  /** a durable timer firing */
  | 'timer'
  /** a process manager carrying an effect from another account's stream */
  | 'reaction';

// ── user ──────────────────────────────────────────────────────────────────────────
export type StartVerification = CommandOf<'StartVerification', { region: string }>;

/** The payment password was checked through a port; only the verdict comes here. */
export type SubmitIdentity = CommandOf<
  'SubmitIdentity',
  { identity: SubmittedIdentity; passwordCorrect: boolean }
>;

/** `caseId`: the back-office case the application opens for it. */
export type RequestManualReview = CommandOf<
  'RequestManualReview',
  { caseId: string; documentIds: string[] }
>;

export type ProvideReupload = CommandOf<'ProvideReupload', { documentIds: string[] }>;

export type DecideOccupancy = CommandOf<'DecideOccupancy', { decision: 'mine' | 'not_mine' }>;

/**
 * `dueAt`: end of the 3rd working day, from the application's working-day calendar;
 * `provisional` when some of those days lay past the calendar's data (weekday rule).
 */
export type FileAppeal = CommandOf<
  'FileAppeal',
  { caseId: string; documentIds: string[]; dueAt: string; provisional?: boolean }
>;

/**
 * The calendar now has official data for a provisional appeal deadline: `dueAt` is the
 * end of the 3rd working day after the filing, counted on it.
 */
export type ConfirmAppealDeadline = CommandOf<
  'ConfirmAppealDeadline',
  { caseId: string; dueAt: string }
>;

export type ConfirmIdentity = CommandOf<'ConfirmIdentity'>;
export type DeferConfirmation = CommandOf<'DeferConfirmation'>;

/** Ids of the stored images (front and back of the ID card). */
export type SubmitIdDocuments = CommandOf<'SubmitIdDocuments', { frontId: string; backId: string }>;
export type SkipIdDocuments = CommandOf<'SkipIdDocuments'>;

/** A new card, or (`card.bound`) the wallet's bound quick-pay card the user confirmed. */
export type SubmitBankCard = CommandOf<'SubmitBankCard', { card: SubmittedBankCard }>;

/** `codeHash`: keyed hash of the SMS code the application generated and will send. */
export type AcceptAgreement = CommandOf<'AcceptAgreement', { codeHash: string }>;

/** `codeHash`: keyed hash of the code the user typed, computed like the issued one. */
export type VerifySmsCode = CommandOf<'VerifySmsCode', { codeHash: string }>;

/** `codeHash`: of the new code, which replaces the old one. */
export type ResendSmsCode = CommandOf<'ResendSmsCode', { codeHash: string }>;

/** `amountHash`: keyed hash of the random amount the application will pay out. */
export type RequestMicroDeposit = CommandOf<
  'RequestMicroDeposit',
  { depositId: string; amountHash: string }
>;

/** `amountHash`: keyed hash of the amount the user typed, normalised to fen. */
export type ConfirmMicroDeposit = CommandOf<'ConfirmMicroDeposit', { amountHash: string }>;

export type ChangeBankCard = CommandOf<'ChangeBankCard'>;

/** Sent to the account to be associated, once the application has checked that the main account is authenticated and the user controls both. */
export type AssociateAccount = CommandOf<'AssociateAccount', { mainAccountId: string }>;

// ── staff ─────────────────────────────────────────────────────────────────────────
export type RequestReupload = CommandOf<
  'RequestReupload',
  { caseId: string; documentKind: string; userMessage: string }
>;

export type DecideManualReview = CommandOf<
  'DecideManualReview',
  { caseId: string; approved: boolean; reasonCode?: string; userMessage?: string; final?: boolean }
>;

/** Upheld only after a supervisor's second approval (the back office enforces it). */
export type DecideAppeal = CommandOf<
  'DecideAppeal',
  { caseId: string; upheld: boolean; reasonCode?: string; userMessage?: string }
>;

// ── outside parties ───────────────────────────────────────────────────────────────
/**
 * The identity authority's answer. On `match`, the application has looked up who else
 * holds the identity (by its registry, never this account) and passes it as `occupiedBy`.
 */
export type RecordIdentityCheck = CommandOf<
  'RecordIdentityCheck',
  {
    outcome: 'match' | 'mismatch' | 'unavailable';
    occupiedBy?: { accountId: string; holderStatus: HolderStatus };
  }
>;

export type RecordDocumentCheck = CommandOf<
  'RecordDocumentCheck',
  { accepted: boolean; reason?: string }
>;

/** The bank's four-element check of the submitted card. */
export type RecordBankCheck = CommandOf<
  'RecordBankCheck',
  {
    outcome: 'match' | 'mobile_mismatch' | 'verification_failed' | 'not_quick_pay';
    supportsPaymentVerification?: boolean;
  }
>;

export type RecordDepositSettled = CommandOf<'RecordDepositSettled', { depositId: string }>;
export type RecordDepositFailed = CommandOf<
  'RecordDepositFailed',
  { depositId: string; reason: string }
>;

// ── timers ────────────────────────────────────────────────────────────────────────
export type RetryIdentityCheck = CommandOf<'RetryIdentityCheck'>;
export type UnlockIdentitySubmission = CommandOf<'UnlockIdentitySubmission'>;
export type ExpireSmsCode = CommandOf<'ExpireSmsCode'>;
export type ExpireMicroDeposit = CommandOf<'ExpireMicroDeposit'>;

// ── reactions to other accounts ───────────────────────────────────────────────────
/** Another account took this identity back; `registryId` names the identity taken. */
export type RevokeIdentity = CommandOf<
  'RevokeIdentity',
  { registryId: string; reason: RevocationReason; byAccountId: string }
>;

/** Another account was associated with this one, which becomes its main account. */
export type AcceptAssociatedAccount = CommandOf<'AcceptAssociatedAccount', { accountId: string }>;

export type VerificationCommand =
  | StartVerification
  | SubmitIdentity
  | RecordIdentityCheck
  | RetryIdentityCheck
  | UnlockIdentitySubmission
  | RequestManualReview
  | RequestReupload
  | ProvideReupload
  | DecideManualReview
  | DecideOccupancy
  | FileAppeal
  | DecideAppeal
  | ConfirmAppealDeadline
  | ConfirmIdentity
  | DeferConfirmation
  | SubmitIdDocuments
  | RecordDocumentCheck
  | SkipIdDocuments
  | SubmitBankCard
  | RecordBankCheck
  | AcceptAgreement
  | VerifySmsCode
  | ResendSmsCode
  | ExpireSmsCode
  | RequestMicroDeposit
  | RecordDepositSettled
  | RecordDepositFailed
  | ConfirmMicroDeposit
  | ExpireMicroDeposit
  | ChangeBankCard
  | AssociateAccount
  | AcceptAssociatedAccount
  | RevokeIdentity;

export type VerificationCommandType = VerificationCommand['type'];

export type CommandOfType<T extends VerificationCommandType> = Extract<
  VerificationCommand,
  { type: T }
>;

/** Who sends each command. A record, so a new command cannot be forgotten here. */
export const COMMAND_SOURCES: { [T in VerificationCommandType]: CommandSource } = {
  StartVerification: 'user',
  SubmitIdentity: 'user',
  RecordIdentityCheck: 'outside',
  RetryIdentityCheck: 'timer',
  UnlockIdentitySubmission: 'timer',
  RequestManualReview: 'user',
  RequestReupload: 'staff',
  ProvideReupload: 'user',
  DecideManualReview: 'staff',
  DecideOccupancy: 'user',
  FileAppeal: 'user',
  DecideAppeal: 'staff',
  // Sent when new calendar data is loaded, at least once: a deadline already confirmed,
  // or an appeal decided meanwhile, makes it do nothing.
  ConfirmAppealDeadline: 'reaction',
  ConfirmIdentity: 'user',
  DeferConfirmation: 'user',
  SubmitIdDocuments: 'user',
  RecordDocumentCheck: 'outside',
  SkipIdDocuments: 'user',
  SubmitBankCard: 'user',
  RecordBankCheck: 'outside',
  AcceptAgreement: 'user',
  VerifySmsCode: 'user',
  ResendSmsCode: 'user',
  ExpireSmsCode: 'timer',
  RequestMicroDeposit: 'user',
  RecordDepositSettled: 'outside',
  RecordDepositFailed: 'outside',
  ConfirmMicroDeposit: 'user',
  ExpireMicroDeposit: 'timer',
  ChangeBankCard: 'user',
  AssociateAccount: 'user',
  AcceptAssociatedAccount: 'reaction',
  RevokeIdentity: 'reaction',
};

export const VERIFICATION_COMMAND_TYPES = Object.keys(COMMAND_SOURCES) as VerificationCommandType[];

/**
 * Timers, outside results and reactions are delivered at least once and may arrive
 * after the process moved on: when they no longer fit, they do nothing.
 */
export function isTolerant(type: VerificationCommandType): boolean {
  return COMMAND_SOURCES[type] !== 'user' && COMMAND_SOURCES[type] !== 'staff';
}
