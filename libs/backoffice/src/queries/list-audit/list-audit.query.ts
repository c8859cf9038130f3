import { Query } from '@nestjs/cqrs';
import type { AuditFilter, Staff } from '../../domain';
import type { AuditEntry } from '../../infrastructure/audit-log.repository';

export interface AuditPage {
  items: AuditEntry[];
  nextCursor: string | null;
}

/** A page of the audit across cases, newest first, for supervisors. */
export class ListAuditQuery extends Query<AuditPage> {
  constructor(
    readonly staff: Staff,
    readonly filter: AuditFilter & { limit?: number; cursor?: string },
  ) {
    super();
  }
}
