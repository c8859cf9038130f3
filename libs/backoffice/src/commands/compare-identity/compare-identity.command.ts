import { Command } from '@nestjs/cqrs';
import type { Staff } from '../../domain';

/** The name and ID number of the identity a case was opened for, in clear. */
export interface ComparedIdentity {
  name: string;
  idNumber: string;
}

/**
 * The holder of a case sees the applicant's name and ID number beside the certificates
 * in one action, for one justification that goes on the case's timeline.
 */
export class CompareIdentityCommand extends Command<ComparedIdentity> {
  constructor(
    readonly caseId: string,
    readonly staff: Staff,
    readonly justification: string,
  ) {
    super();
  }
}
