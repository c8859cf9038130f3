import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CaseRoleError, UnknownStaffError } from '../../domain';
import { StaffDirectoryRepository } from '../../infrastructure/staff-directory.repository';
import { bulkStep, type BulkCaseResult } from '../bulk-case-results';
import { CaseRequests } from '../case-request';
import { BulkReassignCasesCommand } from './bulk-reassign-cases.command';

@CommandHandler(BulkReassignCasesCommand)
export class BulkReassignCasesHandler implements ICommandHandler<BulkReassignCasesCommand> {
  constructor(
    private readonly requests: CaseRequests,
    private readonly directory: StaffDirectoryRepository,
  ) {}

  async execute({ staff, caseIds, to, note }: BulkReassignCasesCommand): Promise<BulkCaseResult[]> {
    if (!staff.roles.includes('supervisor')) {
      throw new CaseRoleError('Only a supervisor reassigns cases.');
    }
    const assignee = await this.directory.find(to);
    if (!assignee) throw new UnknownStaffError(to);
    const results: BulkCaseResult[] = [];
    // One after another: each case is its own command, event and transaction.
    for (const caseId of new Set(caseIds)) {
      results.push(
        await bulkStep(caseId, () =>
          this.requests.run(caseId, staff, {
            type: 'ReassignCase',
            data: {
              at: this.requests.now(),
              staff,
              to,
              toRoles: assignee.roles,
              ...(note ? { note } : {}),
            },
          }),
        ),
      );
    }
    return results;
  }
}
