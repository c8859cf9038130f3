import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { currentCorrelationId } from '@shiming/common';
import { CLOCK, type Clock } from '@shiming/workflow';
import { VerificationCases } from '@shiming/verification';
import { CaseNotFoundError, type CaseCommand, type Staff } from '../domain';
import { CaseCommandExecutor, type CaseOutcomeOf } from '../infrastructure/case-command.executor';
import { CaseStreams } from '../infrastructure/case-streams';
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

  /** The case as this staff member sees it now. */
  async view(caseId: string, staff: Staff): Promise<CaseView> {
    assertCaseId(caseId);
    const { state, version } = await this.streams.load(caseId);
    if (state.status === 'none') throw new CaseNotFoundError(caseId);
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
