import type { VerificationCommandType } from './verification.commands';
import type { VerificationEventType } from './verification.events';
import { UNLOCKABLE_STATUSES, type VerificationStatus } from './verification.state';

/**
 * One step the process may take: in state `from`, command `command` may record some of
 * `events` and leave the process in one of `to`. `decide` refuses a command with no row
 * for the current state, and checks every decision against its row.
 */
export interface Transition {
  from: VerificationStatus;
  command: VerificationCommandType;
  to: readonly VerificationStatus[];
  events: readonly VerificationEventType[];
  /** When, inside the state, the step applies. */
  when?: string;
}

// Holders may lose their identity to its owner, and gain associated accounts, at any step.
const HOLDER_REACTIONS = (from: VerificationStatus): Transition[] => [
  {
    from,
    command: 'AcceptAssociatedAccount',
    to: [from],
    events: ['AssociatedAccountAccepted'],
  },
  {
    from,
    command: 'RevokeIdentity',
    to: ['identity_pending'],
    events: ['IdentityRevoked'],
    when: 'the revoked identity is the one held',
  },
];

const SUBMIT_IDENTITY = (from: VerificationStatus, when?: string): Transition => ({
  from,
  command: 'SubmitIdentity',
  to:
    from === 'identity_pending'
      ? ['identity_pending', 'locked']
      : ['identity_pending', from, 'locked'],
  events: ['IdentitySubmitted', 'PaymentPasswordRejected', 'IdentitySubmissionLocked'],
  ...(when ? { when } : {}),
});

const ASSOCIATE = (from: VerificationStatus, when?: string): Transition => ({
  from,
  command: 'AssociateAccount',
  to: ['associated'],
  events: ['AccountAssociated'],
  ...(when ? { when } : {}),
});

const CHANGE_CARD = (from: VerificationStatus, when?: string): Transition => ({
  from,
  command: 'ChangeBankCard',
  to: ['bank_card_required'],
  events: ['BankCardChanged'],
  ...(when ? { when } : {}),
});

export const VERIFICATION_TRANSITIONS: readonly Transition[] = [
  // 1. start
  {
    from: 'not_started',
    command: 'StartVerification',
    to: ['identity_pending'],
    events: ['VerificationStarted'],
  },
  ASSOCIATE('not_started'),

  // 2. identity
  {
    from: 'identity_pending',
    command: 'StartVerification',
    to: ['identity_pending'],
    events: [],
    when: 'repeated before the identity is submitted',
  },
  SUBMIT_IDENTITY('identity_pending', 'awaiting submission'),
  {
    from: 'identity_pending',
    command: 'RecordIdentityCheck',
    to: ['identity_verified', 'identity_mismatch', 'identity_occupied', 'identity_pending'],
    events: ['IdentityVerified', 'IdentityMismatched', 'IdentityOccupied', 'IdentityCheckDeferred'],
    when: 'awaiting the authority',
  },
  {
    from: 'identity_pending',
    command: 'RetryIdentityCheck',
    to: ['identity_pending'],
    events: ['IdentityCheckRetried'],
    when: 'the authority was unavailable and the retry is due',
  },
  ASSOCIATE('identity_pending', 'awaiting submission'),

  // 2.1 mismatch and manual review
  SUBMIT_IDENTITY('identity_mismatch'),
  {
    from: 'identity_mismatch',
    command: 'RequestManualReview',
    to: ['manual_review_pending'],
    events: ['ManualReviewRequested'],
  },
  ASSOCIATE('identity_mismatch'),
  {
    from: 'manual_review_pending',
    command: 'RequestReupload',
    to: ['manual_review_pending'],
    events: ['ReuploadRequested'],
  },
  {
    from: 'manual_review_pending',
    command: 'ProvideReupload',
    to: ['manual_review_pending'],
    events: ['ReuploadProvided'],
    when: 'documents added to the open case (a requested re-upload resumes its SLA)',
  },
  {
    from: 'manual_review_pending',
    command: 'DecideManualReview',
    to: ['bank_card_required', 'manual_review_rejected'],
    events: ['ManualReviewApproved', 'ManualReviewRejected'],
  },
  SUBMIT_IDENTITY('manual_review_rejected', 'not final'),
  {
    from: 'manual_review_rejected',
    command: 'RequestManualReview',
    to: ['manual_review_pending'],
    events: ['ManualReviewRequested'],
    when: 'not final',
  },
  ASSOCIATE('manual_review_rejected'),

  // 2.2 occupancy and appeal
  SUBMIT_IDENTITY('identity_occupied'),
  {
    from: 'identity_occupied',
    command: 'DecideOccupancy',
    to: ['identity_verified', 'identity_occupied', 'associated'],
    events: [
      'OccupancyClaimedAsOwn',
      'OccupancyDisputed',
      'AccountAssociated',
      'IdentityReclaimed',
    ],
    when: 'not decided yet',
  },
  {
    from: 'identity_occupied',
    command: 'FileAppeal',
    to: ['appeal_pending'],
    events: ['AppealFiled'],
    when: 'disputed',
  },
  ASSOCIATE('identity_occupied'),
  {
    from: 'appeal_pending',
    command: 'RequestReupload',
    to: ['appeal_pending'],
    events: ['ReuploadRequested'],
  },
  {
    from: 'appeal_pending',
    command: 'ProvideReupload',
    to: ['appeal_pending'],
    events: ['ReuploadProvided'],
    when: 'documents added to the open case (a requested re-upload resumes its SLA)',
  },
  {
    from: 'appeal_pending',
    command: 'ConfirmAppealDeadline',
    to: ['appeal_pending'],
    events: ['AppealDeadlineConfirmed'],
    when: 'its due time is provisional (calendar data for its days arrived)',
  },
  {
    from: 'appeal_pending',
    command: 'DecideAppeal',
    to: ['identity_verified', 'appeal_denied'],
    events: ['AppealUpheld', 'AppealDenied'],
  },
  SUBMIT_IDENTITY('appeal_denied', 'another identity'),
  ASSOCIATE('appeal_denied'),

  // 3. confirmation
  SUBMIT_IDENTITY('identity_verified', 'no associated accounts'),
  {
    from: 'identity_verified',
    command: 'ConfirmIdentity',
    to: ['identity_confirmed'],
    events: ['IdentityConfirmed'],
  },
  {
    from: 'identity_verified',
    command: 'DeferConfirmation',
    to: ['identity_verified'],
    events: ['ConfirmationDeferred'],
  },
  ...HOLDER_REACTIONS('identity_verified'),

  // 4. ID photos
  {
    from: 'identity_confirmed',
    command: 'ConfirmIdentity',
    to: ['identity_confirmed'],
    events: [],
    when: 'repeated',
  },
  {
    from: 'identity_confirmed',
    command: 'SubmitIdDocuments',
    to: ['identity_confirmed'],
    events: ['IdDocumentsSubmitted'],
    when: 'not being checked',
  },
  {
    from: 'identity_confirmed',
    command: 'RecordDocumentCheck',
    to: ['bank_card_required', 'identity_confirmed'],
    events: ['IdDocumentsAccepted', 'IdDocumentsRejected'],
    when: 'being checked',
  },
  {
    from: 'identity_confirmed',
    command: 'SkipIdDocuments',
    to: ['bank_card_required'],
    events: ['IdDocumentsSkipped'],
    when: 'not being checked',
  },
  ...HOLDER_REACTIONS('identity_confirmed'),

  // 5. bank card
  {
    from: 'bank_card_required',
    command: 'SubmitBankCard',
    to: ['bank_card_required'],
    events: ['BankCardSubmitted'],
    when: 'no card in progress',
  },
  {
    from: 'bank_card_required',
    command: 'RecordBankCheck',
    to: ['bank_card_required', 'bank_card_mismatch', 'authenticated'],
    events: ['BankCardMatched', 'Authenticated', 'BankCardCheckFailed', 'BankCardRefused'],
    when: 'awaiting the bank',
  },
  {
    from: 'bank_card_required',
    command: 'AcceptAgreement',
    to: ['sms_pending'],
    events: ['AgreementAccepted', 'SmsCodeIssued'],
    when: 'the card matched',
  },
  CHANGE_CARD('bank_card_required', 'after a refusal or a match'),
  ...HOLDER_REACTIONS('bank_card_required'),

  {
    from: 'sms_pending',
    command: 'VerifySmsCode',
    to: ['authenticated', 'sms_pending', 'bank_card_required'],
    events: ['SmsCodeVerified', 'Authenticated', 'SmsCodeRejected', 'SmsCodeAttemptsExhausted'],
    when: 'the code has not expired',
  },
  {
    from: 'sms_pending',
    command: 'ResendSmsCode',
    to: ['sms_pending'],
    events: ['SmsCodeIssued'],
    when: 'the cool-down has passed',
  },
  {
    from: 'sms_pending',
    command: 'ExpireSmsCode',
    to: ['sms_pending'],
    events: ['SmsCodeExpired'],
    when: 'the current code is due to expire',
  },
  CHANGE_CARD('sms_pending'),
  ...HOLDER_REACTIONS('sms_pending'),

  // 5. mobile mismatch / verification failed: micro-deposit
  {
    from: 'bank_card_mismatch',
    command: 'RequestMicroDeposit',
    to: ['micro_deposit_pending'],
    events: ['MicroDepositRequested'],
    when: 'the card supports payment verification',
  },
  CHANGE_CARD('bank_card_mismatch'),
  ...HOLDER_REACTIONS('bank_card_mismatch'),

  {
    from: 'micro_deposit_pending',
    command: 'RecordDepositSettled',
    to: ['micro_deposit_settled'],
    events: ['MicroDepositSettled'],
    when: 'the deposit awaited',
  },
  {
    from: 'micro_deposit_pending',
    command: 'RecordDepositFailed',
    to: ['bank_card_mismatch'],
    events: ['MicroDepositPayoutFailed'],
    when: 'the deposit awaited',
  },
  CHANGE_CARD('micro_deposit_pending'),
  ...HOLDER_REACTIONS('micro_deposit_pending'),

  {
    from: 'micro_deposit_settled',
    command: 'ConfirmMicroDeposit',
    to: ['authenticated', 'micro_deposit_settled', 'bank_card_mismatch'],
    events: [
      'MicroDepositConfirmed',
      'Authenticated',
      'MicroDepositAmountRejected',
      'MicroDepositFailed',
    ],
    when: 'within the window',
  },
  {
    from: 'micro_deposit_settled',
    command: 'ExpireMicroDeposit',
    to: ['bank_card_mismatch'],
    events: ['MicroDepositExpired'],
    when: 'the window has ended',
  },
  CHANGE_CARD('micro_deposit_settled'),
  ...HOLDER_REACTIONS('micro_deposit_settled'),

  // 6. authenticated
  {
    from: 'authenticated',
    command: 'SubmitIdDocuments',
    to: ['authenticated'],
    events: ['IdDocumentsSubmitted'],
    when: 'limited tier, not being checked',
  },
  {
    from: 'authenticated',
    command: 'RecordDocumentCheck',
    to: ['authenticated'],
    events: ['IdDocumentsAccepted', 'TierUpgraded', 'IdDocumentsRejected'],
    when: 'being checked',
  },
  ...HOLDER_REACTIONS('authenticated'),

  {
    from: 'associated',
    command: 'AssociateAccount',
    to: ['associated'],
    events: [],
    when: 'repeated for the same main account',
  },

  // payment password lock
  {
    from: 'locked',
    command: 'UnlockIdentitySubmission',
    to: UNLOCKABLE_STATUSES,
    events: ['IdentitySubmissionUnlocked'],
    when: 'the lock has ended',
  },
  {
    from: 'locked',
    command: 'AcceptAssociatedAccount',
    to: ['locked'],
    events: ['AssociatedAccountAccepted'],
    when: 'locked while holding an identity',
  },
  {
    from: 'locked',
    command: 'RevokeIdentity',
    to: ['locked'],
    events: ['IdentityRevoked'],
    when: 'locked while holding the revoked identity',
  },
];

export function findTransition(
  from: VerificationStatus,
  command: VerificationCommandType,
): Transition | undefined {
  return VERIFICATION_TRANSITIONS.find((row) => row.from === from && row.command === command);
}
