import { Module, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@shiming/common';
import { EventTypeRegistry, SubscriptionRegistry } from '@shiming/event-store';
import { VerificationModule } from '@shiming/verification';
import { ApproveProposalHandler } from './commands/approve-proposal/approve-proposal.handler';
import { CaseRequests } from './commands/case-request';
import { ClaimCaseHandler } from './commands/claim-case/claim-case.handler';
import { DecideCaseHandler } from './commands/decide-case/decide-case.handler';
import { ReassignCaseHandler } from './commands/reassign-case/reassign-case.handler';
import { ReleaseCaseHandler } from './commands/release-case/release-case.handler';
import { RevealPersonalDataHandler } from './commands/reveal-personal-data/reveal-personal-data.handler';
import { SearchCasesHandler } from './commands/search-cases/search-cases.handler';
import { TakeNextCaseHandler } from './commands/take-next-case/take-next-case.handler';
import { ViewDocumentHandler } from './commands/view-document/view-document.handler';
import { CompareIdentityHandler } from './commands/compare-identity/compare-identity.handler';
import { NoteStaffMemberHandler } from './commands/note-staff-member/note-staff-member.handler';
import { ExportAuditHandler } from './commands/export-audit/export-audit.handler';
import { BulkReassignCasesHandler } from './commands/bulk-reassign-cases/bulk-reassign-cases.handler';
import { BulkReleaseCasesHandler } from './commands/bulk-release-cases/bulk-release-cases.handler';
import {
  CASE_EVENT_DEFINITIONS,
  createCaseDecider,
  SEARCH_EVENT_DEFINITIONS,
  STAFF_EVENT_DEFINITIONS,
  type CasePolicy,
} from './domain';
import { CASE_DECIDER, CASE_POLICY } from './backoffice.tokens';
import { CaseCommandExecutor } from './infrastructure/case-command.executor';
import { CaseQueueRepository } from './infrastructure/case-queue.repository';
import { CaseQueueGauges } from './infrastructure/case-queue.gauges';
import { CaseSearchRepository } from './infrastructure/case-search.repository';
import { CaseStreams } from './infrastructure/case-streams';
import { CaseTimelineRepository } from './infrastructure/case-timeline.repository';
import { NotificationsRepository } from './infrastructure/notifications.repository';
import { AuditLogRepository } from './infrastructure/audit-log.repository';
import { StaffDirectoryRepository } from './infrastructure/staff-directory.repository';
import { StaffStreams } from './infrastructure/staff-streams';
import { CaseQueueProjection } from './projections/case-queue.projection';
import { CaseTimelineProjection } from './projections/case-timeline.projection';
import { NotificationsProjection } from './projections/notifications.projection';
import { AuditLogProjection } from './projections/audit-log.projection';
import { StaffDirectoryProjection } from './projections/staff-directory.projection';
import { GetCaseHandler } from './queries/get-case/get-case.handler';
import { GetCaseTimelineHandler } from './queries/get-case-timeline/get-case-timeline.handler';
import { FindCasesHandler } from './queries/find-cases/find-cases.handler';
import { GetMetricsHandler } from './queries/get-metrics/get-metrics.handler';
import { ListNotificationsHandler } from './queries/list-notifications/list-notifications.handler';
import { ListAuditHandler } from './queries/list-audit/list-audit.handler';
import { ListStaffHandler } from './queries/list-staff/list-staff.handler';
import { CaseIntakeCatchUp } from './reactions/case-intake.catch-up';
import { CaseIntakeProcessManager } from './reactions/case-intake.process-manager';
import { CaseTimerHandlers } from './timers/case-timer.handlers';
import { CaseList } from './views/case-list';
import { CaseReader } from './views/case-reader';

const policy = [
  {
    provide: CASE_POLICY,
    inject: [APP_CONFIG],
    useFactory: (config: AppConfig): CasePolicy => ({
      claimTtlMs: config.backoffice.claimTtlMs,
    }),
  },
  {
    provide: CASE_DECIDER,
    inject: [CASE_POLICY],
    useFactory: (casePolicy: CasePolicy) => createCaseDecider(casePolicy),
  },
];

const infrastructure = [
  CaseStreams,
  CaseCommandExecutor,
  CaseQueueRepository,
  CaseSearchRepository,
  CaseTimelineRepository,
  NotificationsRepository,
  CaseQueueGauges,
  AuditLogRepository,
  StaffDirectoryRepository,
  StaffStreams,
];

// What the handlers share: a case as staff may see it (once the intake has opened it),
// running a staff command on it, and the list of cases.
const caseAccess = [CaseIntakeCatchUp, CaseReader, CaseRequests, CaseList];

const commandHandlers = [
  ClaimCaseHandler,
  ReleaseCaseHandler,
  ReassignCaseHandler,
  DecideCaseHandler,
  ApproveProposalHandler,
  TakeNextCaseHandler,
  ViewDocumentHandler,
  RevealPersonalDataHandler,
  SearchCasesHandler,
  CompareIdentityHandler,
  NoteStaffMemberHandler,
  ExportAuditHandler,
  BulkReassignCasesHandler,
  BulkReleaseCasesHandler,
];

const queryHandlers = [
  GetCaseHandler,
  FindCasesHandler,
  GetCaseTimelineHandler,
  GetMetricsHandler,
  ListNotificationsHandler,
  ListAuditHandler,
  ListStaffHandler,
];

const projections = [
  CaseQueueProjection,
  CaseTimelineProjection,
  NotificationsProjection,
  AuditLogProjection,
  StaffDirectoryProjection,
];

const processors = [CaseIntakeProcessManager, CaseTimerHandlers];

/**
 * The back office: manual-review and appeal cases as streams of their own, their queue
 * and timeline, claims, decisions that flow back into the user's process, second
 * approvals, and SLA escalation. For the api and the worker alike.
 */
@Module({
  imports: [VerificationModule],
  providers: [
    ...policy,
    ...infrastructure,
    ...caseAccess,
    ...commandHandlers,
    ...queryHandlers,
    ...projections,
    ...processors,
  ],
  exports: [CASE_POLICY],
})
export class BackofficeModule implements OnModuleInit {
  constructor(
    private readonly eventTypes: EventTypeRegistry,
    private readonly subscriptions: SubscriptionRegistry,
    private readonly queue: CaseQueueProjection,
    private readonly timeline: CaseTimelineProjection,
    private readonly notifications: NotificationsProjection,
    private readonly intake: CaseIntakeProcessManager,
    private readonly audit: AuditLogProjection,
    private readonly staffDirectory: StaffDirectoryProjection,
  ) {}

  onModuleInit(): void {
    this.eventTypes.register(
      ...CASE_EVENT_DEFINITIONS,
      ...SEARCH_EVENT_DEFINITIONS,
      ...STAFF_EVENT_DEFINITIONS,
    );
    this.subscriptions.register(
      this.queue,
      this.timeline,
      this.notifications,
      this.intake,
      this.audit,
      this.staffDirectory,
    );
  }
}
