import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CaseRoleError } from '../../domain';
import { bulkStep, type BulkCaseResult } from '../bulk-case-results';
import { CaseRequests } from '../case-request';
import { BulkReleaseCasesCommand } from './bulk-release-cases.command';

@CommandHandler(BulkReleaseCasesCommand)
export class BulkReleaseCasesHandler implements ICommandHandler<BulkReleaseCasesCommand> {
  constructor(private readonly requests: CaseRequests) {}

  async execute({ staff, caseIds }: BulkReleaseCasesCommand): Promise<BulkCaseResult[]> {
    if (!staff.roles.includes('supervisor')) {
      throw new CaseRoleError('Only a supervisor releases cases in bulk.');
    }
    const results: BulkCaseResult[] = [];
    for (const caseId of new Set(caseIds)) {
      results.push(
        await bulkStep(caseId, () =>
          this.requests.run(caseId, staff, {
            type: 'ReleaseCase',
            data: { at: this.requests.now(), staff },
          }),
        ),
      );
    }
    return results;
  }
}
