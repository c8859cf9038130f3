import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { currentCorrelationId } from '@shiming/common';
import { CLOCK, type Clock } from '@shiming/workflow';
import { VerificationCases } from '@shiming/verification';
import {
  CaseNotFoundError,
  CaseRoleError,
  isOwnCase,
  mayWork,
  OwnCaseError,
  type CaseCommand,
  type CaseState,
  type OpenedCase,
  type Staff,
} from '../domain';
import { CaseCommandExecutor, type CaseOutcomeOf } from '../infrastructure/case-command.executor';
import { CaseStreams, type LoadedCase } from '../infrastructure/case-streams';
import { caseView, type CaseView } from '../queries/case-view/case-view';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What every staff action on a case shares: time, ids, the run, and the answer's view. */
@Injectable()
export class CaseRequests {
  constructor(
    private readonly executor: CaseCommandExecutor,
    private readonly streams: CaseStreams,
    private readonly verification: VerificationCases,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  now(): string {
    return this.clock.now().toISOString();
  }

  /** Runs a staff member's command on a case, as one request. */
  async run(caseId: string, staff: Staff, command: CaseCommand): Promise<CaseOutcomeOf> {
    assertCaseId(caseId);
    const correlationId = currentCorrelationId() ?? randomUUID();
    return this.executor.execute(caseId, command, {
      actor: { type: 'staff', id: staff.id },
      correlationId,
      requestId: correlationId,
      commandId: `staff:${randomUUID()}`,
    });
  }

  /** The case as this staff member sees it now; `CaseRoleError` if their roles do not. */
  async view(caseId: string, staff: Staff): Promise<CaseView> {
    const { state, version } = await this.visible(caseId, staff);
    return this.viewOf(state, version, staff);
  }

  /** The case from its stream, when the staff member's roles let them see its kind. */
  async visible(caseId: string, staff: Staff): Promise<LoadedCase & { state: OpenedCase }> {
    assertCaseId(caseId);
    const loaded = await this.streams.load(caseId);
    const { state } = loaded;
    if (state.status === 'none') throw new CaseNotFoundError(caseId);
    if (!mayWork(staff.roles, state.kind)) {
      throw new CaseRoleError(`The caller's roles do not see ${state.kind.replace('_', ' ')}s.`);
    }
    // A case about one's own account is not one's to read: its internal notes least.
    if (isOwnCase(state, staff.id)) throw new OwnCaseError();
    return { ...loaded, state };
  }

  /** A case state as the answer shows it: the subject masked, documents described. */
  async viewOf(state: CaseState, version: number, staff: Staff): Promise<CaseView> {
    if (state.status === 'none') throw new CaseNotFoundError();
    const [subject, facts] = await Promise.all([
      this.verification.subject(state.accountId),
      this.verification.documentFacts(
        state.accountId,
        state.documents.map((d) => d.id),
      ),
    ]);
    return caseView(state, version, subject, staff, facts);
  }
}

export function assertCaseId(caseId: string): void {
  if (!UUID.test(caseId)) throw new CaseNotFoundError(caseId);
}
