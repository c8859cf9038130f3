import { Command } from '@nestjs/cqrs';
import type { Staff } from '../../domain';
import type { CaseView } from '../../views/case-view';

/** Gives a claimed case back to the queue: its holder, or a supervisor. */
export class ReleaseCaseCommand extends Command<CaseView> {
  constructor(
    readonly caseId: string,
    readonly staff: Staff,
  ) {
    super();
  }
}
