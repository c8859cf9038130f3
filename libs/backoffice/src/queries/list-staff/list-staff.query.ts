import { Query } from '@nestjs/cqrs';
import type { CaseKind } from '../../domain';
import type { StaffMember } from '../../infrastructure/staff-directory.repository';

/** The staff who have used the back office; with `kind`, those who may work that kind. */
export class ListStaffQuery extends Query<{ items: StaffMember[] }> {
  constructor(readonly kind?: CaseKind) {
    super();
  }
}
