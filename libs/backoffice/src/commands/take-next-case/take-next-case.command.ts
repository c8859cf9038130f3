import { Command } from '@nestjs/cqrs';
import type { CaseKind, Staff } from '../../domain';
import type { CaseView } from '../../views/case-view';

/** Claims the most urgent open case the caller may work; null when there is none. */
export class TakeNextCaseCommand extends Command<CaseView | null> {
  constructor(
    readonly staff: Staff,
    readonly kind?: CaseKind,
  ) {
    super();
  }
}
