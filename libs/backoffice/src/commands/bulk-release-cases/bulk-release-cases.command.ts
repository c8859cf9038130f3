import { Command } from '@nestjs/cqrs';
import type { Staff } from '../../domain';
import type { BulkCaseResult } from '../bulk-case-results';

/** A supervisor gives several claimed cases back to the queue, case by case. */
export class BulkReleaseCasesCommand extends Command<BulkCaseResult[]> {
  constructor(
    readonly staff: Staff,
    readonly caseIds: readonly string[],
  ) {
    super();
  }
}
