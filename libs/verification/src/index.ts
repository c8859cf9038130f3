export * from './domain';
export * from './verification.module';
export * from './verification.streams';
export * from './verification.tokens';
export { verificationMigrations } from './migrations';
export type { IdentityInClear, CardInClear } from './infrastructure/personal-data';
export type { StatusDocument, StatusCase } from './projections/status-document';
export type { StepAnswer } from './commands/status-answers';
export type { RequestContext } from './commands/user-steps';
export * from './commands/user-step.errors';
export { StartVerificationCommand } from './commands/start-verification/start-verification.command';
export { SubmitIdentityCommand } from './commands/submit-identity/submit-identity.command';
export { RequestManualReviewCommand } from './commands/request-manual-review/request-manual-review.command';
export { DecideOccupancyCommand } from './commands/decide-occupancy/decide-occupancy.command';
export { FileAppealCommand } from './commands/file-appeal/file-appeal.command';
export {
  ConfirmAppealDeadlines,
  type DeadlineConfirmation,
} from './commands/confirm-appeal-deadlines/confirm-appeal-deadlines.service';
export { ConfirmIdentityCommand } from './commands/confirm-identity/confirm-identity.command';
export { DeferConfirmationCommand } from './commands/defer-confirmation/defer-confirmation.command';
export { SubmitIdDocumentsCommand } from './commands/submit-id-documents/submit-id-documents.command';
export { SkipIdDocumentsCommand } from './commands/skip-id-documents/skip-id-documents.command';
export { SubmitBankCardCommand } from './commands/submit-bank-card/submit-bank-card.command';
export { AcceptAgreementCommand } from './commands/accept-agreement/accept-agreement.command';
export { VerifySmsCodeCommand } from './commands/verify-sms-code/verify-sms-code.command';
export { ResendSmsCodeCommand } from './commands/resend-sms-code/resend-sms-code.command';
export { RequestMicroDepositCommand } from './commands/request-micro-deposit/request-micro-deposit.command';
export { ConfirmMicroDepositCommand } from './commands/confirm-micro-deposit/confirm-micro-deposit.command';
export { ChangeBankCardCommand } from './commands/change-bank-card/change-bank-card.command';
export {
  AssociateAccountCommand,
  type AssociationAnswer,
} from './commands/associate-account/associate-account.command';
export {
  VerificationCases,
  type CaseKind,
  type CaseOutcome,
  type CaseOutcomeContext,
  type CaseSubject,
  type DocumentFact,
  type RevealableField,
} from './cases/verification-cases';
export type { CaseRequest } from './infrastructure/case-requests.repository';
export { GetStatusQuery, type StatusReading } from './queries/get-status/get-status.query';
export { GetStatusEtagQuery } from './queries/get-status-etag/get-status-etag.query';
export * from './messages';
