import { Command } from '@nestjs/cqrs';
import type { Staff } from '../../domain';

export interface RevealedField {
  field: 'name' | 'idNumber';
  value: string;
}

/** The unmasked value of a field, for a stated reason that goes on the timeline. */
export class RevealPersonalDataCommand extends Command<RevealedField> {
  constructor(
    readonly caseId: string,
    readonly staff: Staff,
    readonly field: 'name' | 'idNumber',
    readonly justification: string,
  ) {
    super();
  }
}
