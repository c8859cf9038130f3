import { Query } from '@nestjs/cqrs';
import type { CaseKind, Staff } from '../../domain';
import type { QueueStatusFilter } from '../../infrastructure/case-queue.repository';

export interface CaseSummary {
  id: string;
  kind: CaseKind;
  status: string;
  escalated: boolean;
  priority: number;
  accountId: string;
  openedAt: string;
  dueAt: string | null;
  /** The due time was counted by weekdays past the calendar's data, to be recomputed. */
  dueProvisional: boolean;
  slaRemainingMs: number | null;
  assignee: string | null;
  claimedAt: string | null;
  decidedAt: string | null;
  outcome: string | null;
  documentCount: number;
  version: number;
}

export interface CasePage {
  items: CaseSummary[];
  nextCursor: string | null;
}

export interface ListCasesFilter {
  kind?: CaseKind;
  status?: Exclude<QueueStatusFilter, 'active'>;
  /** Only the caller's own cases. */
  mine?: boolean;
  limit?: number;
  cursor?: string;
}

export class ListCasesQuery extends Query<CasePage> {
  constructor(
    readonly staff: Staff,
    readonly filter: ListCasesFilter,
  ) {
    super();
  }
}
