import { Inject, Injectable } from '@nestjs/common';
import { currentCorrelationId } from '@shiming/common';
import { CLOCK, ID_GENERATOR, type Clock, type IdGenerator } from '@shiming/workflow';
import { CaseNotFoundError, type CaseCommand, type Staff } from '../domain';
import { CaseCommandExecutor, type CaseOutcomeOf } from '../infrastructure/case-command.executor';
import { CaseIntakeCatchUp } from '../reactions/case-intake.catch-up';
import { assertCaseId, CaseReader } from '../views/case-reader';
import type { CaseView } from '../views/case-view';

/** What every staff action on a case shares: the time, ids, the run, and the answer. */
@Injectable()
export class CaseRequests {
  constructor(
    private readonly executor: CaseCommandExecutor,
    private readonly reader: CaseReader,
    private readonly intake: CaseIntakeCatchUp,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  now(): string {
    return this.clock.now().toISOString();
  }

  /** Runs a staff member's command on a case, as one request. */
  async run(caseId: string, staff: Staff, command: CaseCommand): Promise<CaseOutcomeOf> {
    assertCaseId(caseId);
    const correlationId = currentCorrelationId() ?? this.ids.newId();
    const ctx = {
      actor: { type: 'staff' as const, id: staff.id },
      correlationId,
      requestId: correlationId,
      commandId: `staff:${this.ids.newId()}`,
    };
    try {
      return await this.executor.execute(caseId, command, ctx);
    } catch (error) {
      // A case the user was just given may not be open yet; refused, nothing was written.
      if (!(error instanceof CaseNotFoundError) || !(await this.intake.opened(caseId))) throw error;
      return this.executor.execute(caseId, command, ctx);
    }
  }

  /** Runs the command, and answers with the case as the staff member sees it after. */
  async runAndView(caseId: string, staff: Staff, command: CaseCommand): Promise<CaseView> {
    const { state, version } = await this.run(caseId, staff, command);
    return this.reader.viewOf(state, version, staff);
  }
}
