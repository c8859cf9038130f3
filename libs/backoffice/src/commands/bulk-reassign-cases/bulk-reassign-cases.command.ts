import { Command } from '@nestjs/cqrs';
import type { Staff } from '../../domain';
import type { BulkCaseResult } from '../bulk-case-results';

/** A supervisor hands several cases to one staff member of the directory, case by case. */
export class BulkReassignCasesCommand extends Command<BulkCaseResult[]> {
  constructor(
    readonly staff: Staff,
    readonly caseIds: readonly string[],
    /** A staff member the directory knows. */
    readonly to: string,
    readonly note?: string,
  ) {
    super();
  }
}
