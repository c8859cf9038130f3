export * from './domain';
export * from './backoffice.module';
export * from './backoffice.streams';
export { backofficeMigrations } from './migrations';
export { ClaimCaseCommand } from './commands/claim-case/claim-case.command';
export { ReleaseCaseCommand } from './commands/release-case/release-case.command';
export { ReassignCaseCommand } from './commands/reassign-case/reassign-case.command';
export { DecideCaseCommand, type StaffDecision } from './commands/decide-case/decide-case.command';
export { ApproveProposalCommand } from './commands/approve-proposal/approve-proposal.command';
export { TakeNextCaseCommand } from './commands/take-next-case/take-next-case.command';
export { ViewDocumentCommand } from './commands/view-document/view-document.command';
export {
  RevealPersonalDataCommand,
  type RevealedField,
} from './commands/reveal-personal-data/reveal-personal-data.command';
export {
  CompareIdentityCommand,
  type ComparedIdentity,
} from './commands/compare-identity/compare-identity.command';
export { NoteStaffMemberCommand } from './commands/note-staff-member/note-staff-member.command';
export { ExportAuditCommand } from './commands/export-audit/export-audit.command';
export { BulkReassignCasesCommand } from './commands/bulk-reassign-cases/bulk-reassign-cases.command';
export { BulkReleaseCasesCommand } from './commands/bulk-release-cases/bulk-release-cases.command';
export type { BulkCaseResult } from './commands/bulk-case-results';
export { ListAuditQuery, type AuditPage } from './queries/list-audit/list-audit.query';
export { ListStaffQuery } from './queries/list-staff/list-staff.query';
export {
  AUDIT_ACTIONS,
  type AuditAction,
  type AuditEntry,
} from './infrastructure/audit-log.repository';
export type { StaffMember } from './infrastructure/staff-directory.repository';
export { GetCaseQuery } from './queries/get-case/get-case.query';
export { SearchCasesCommand } from './commands/search-cases/search-cases.command';
export { FindCasesQuery } from './queries/find-cases/find-cases.query';
export type { CaseListFilter, CaseListItem, CaseListPage, CaseSummary } from './views/case-list';
export type { CaseSort, SortOrder } from './infrastructure/case-search.repository';
export { GetCaseTimelineQuery } from './queries/get-case-timeline/get-case-timeline.query';
export { GetMetricsQuery, type BackofficeMetrics } from './queries/get-metrics/get-metrics.query';
export {
  ListNotificationsQuery,
  type BackofficeNotification,
} from './queries/list-notifications/list-notifications.query';
export type { CalendarRunwayNotice } from './queries/list-notifications/calendar-runway.notice';
export type { CaseView, CaseAction as AllowedCaseAction } from './views/case-view';
export type { TimelineEntry } from './infrastructure/case-timeline.repository';
export type { StaffNotification } from './infrastructure/notifications.repository';
export { CaseQueueProjection } from './projections/case-queue.projection';
export { CaseTimelineProjection } from './projections/case-timeline.projection';
export * from './messages';
