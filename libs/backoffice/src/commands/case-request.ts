import { Inject, Injectable } from '@nestjs/common';
import { currentCorrelationId } from '@shiming/common';
import { CLOCK, ID_GENERATOR, type Clock, type IdGenerator } from '@shiming/workflow';
import type { CaseCommand, Staff } from '../domain';
import { CaseCommandExecutor, type CaseOutcomeOf } from '../infrastructure/case-command.executor';
import { assertCaseId, CaseReader } from '../views/case-reader';
import type { CaseView } from '../views/case-view';

/** What every staff action on a case shares: the time, ids, the run, and the answer. */
@Injectable()
export class CaseRequests {
  constructor(
    private readonly executor: CaseCommandExecutor,
    private readonly reader: CaseReader,
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
    return this.executor.execute(caseId, command, {
      actor: { type: 'staff', id: staff.id },
      correlationId,
      requestId: correlationId,
      commandId: `staff:${this.ids.newId()}`,
    });
  }

  /** Runs the command, and answers with the case as the staff member sees it after. */
  async runAndView(caseId: string, staff: Staff, command: CaseCommand): Promise<CaseView> {
    const { state, version } = await this.run(caseId, staff, command);
    return this.reader.viewOf(state, version, staff);
  }
}
