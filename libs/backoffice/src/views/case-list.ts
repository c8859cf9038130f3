import { Injectable } from '@nestjs/common';
import { CaseRoleError, kindsFor, type CaseKind, type CaseStatus, type Staff } from '../domain';
import {
  CaseSearchRepository,
  type CaseSort,
  type CaseStatusFilter,
  type SortedRow,
  type SortOrder,
} from '../infrastructure/case-search.repository';
import { decodeCaseCursor, encodeCaseCursor } from './case-cursor';

/** A case as the list shows it. */
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

/** A case in the list, with who decided it and why. */
export interface CaseListItem extends CaseSummary {
  decidedBy: string | null;
  reasonCode: string | null;
}

export interface CaseListPage {
  items: CaseListItem[];
  /** Null on the last page. */
  nextCursor: string | null;
}

export interface CaseListFilter {
  kind?: CaseKind;
  /**
   * Without it: the undecided cases; every case when searching (case, account, ID
   * number, mobile) or filtering on the decision; decided ones when sorted by decision.
   */
  status?: CaseStatus | 'escalated' | 'all';
  caseId?: string;
  accountId?: string;
  /** Data-key subjects found through a blind index (the personal-data search). */
  subjects?: string[];
  /** A staff id; `me` for the caller. */
  assignee?: string;
  decidedBy?: string;
  reasonCode?: string;
  openedFrom?: string;
  openedTo?: string;
  decidedFrom?: string;
  decidedTo?: string;
  /** `queue` (default): escalated first, then by due time. */
  sort?: CaseSort;
  /** `asc` by default. */
  order?: SortOrder;
  limit?: number;
  cursor?: string;
}

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 100;

/**
 * The case list staff see: their roles' kinds, never a case about their own account,
 * filtered, sorted, and paged by an opaque cursor. For the list and the search alike.
 */
@Injectable()
export class CaseList {
  constructor(private readonly search: CaseSearchRepository) {}

  async page(staff: Staff, filter: CaseListFilter): Promise<CaseListPage> {
    const mine = kindsFor(staff.roles);
    const kinds = filter.kind ? mine.filter((k) => k === filter.kind) : mine;
    if (kinds.length === 0) {
      throw new CaseRoleError(`The caller's roles do not see ${filter.kind ?? 'any'} cases.`);
    }
    const sort = filter.sort ?? 'queue';
    const order = filter.order ?? 'asc';
    const limit = Math.min(Math.max(filter.limit ?? DEFAULT_LIMIT, 1), MAX_LIMIT);
    const after = filter.cursor ? decodeCaseCursor(filter.cursor, sort, order) : undefined;
    const rows = await this.search.page({
      kinds,
      status: statusOf(filter),
      ...pick(filter),
      ...(filter.assignee
        ? { assignee: filter.assignee === 'me' ? staff.id : filter.assignee }
        : {}),
      // Nobody sees the cases about their own account, not even in a search.
      notAbout: staff.id,
      sort,
      order,
      limit: limit + 1,
      ...(after ? { after } : {}),
    });
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items: items.map(item),
      nextCursor: rows.length > limit && last ? encodeCaseCursor(sort, order, last.position) : null,
    };
  }
}

function statusOf(filter: CaseListFilter): CaseStatusFilter {
  if (filter.status) return filter.status;
  const searching = filter.caseId || filter.accountId || filter.subjects;
  const onDecision =
    filter.decidedBy || filter.reasonCode || filter.decidedFrom || filter.decidedTo;
  return searching || onDecision || filter.sort === 'decided' ? 'all' : 'active';
}

function pick(filter: CaseListFilter) {
  const {
    caseId,
    accountId,
    subjects,
    decidedBy,
    reasonCode,
    openedFrom,
    openedTo,
    decidedFrom,
    decidedTo,
  } = filter;
  return Object.fromEntries(
    Object.entries({
      caseId,
      accountId,
      subjects,
      decidedBy,
      reasonCode,
      openedFrom,
      openedTo,
      decidedFrom,
      decidedTo,
    }).filter(([, v]) => v !== undefined),
  );
}

function item(row: SortedRow): CaseListItem {
  return {
    id: row.caseId,
    kind: row.kind,
    status: row.status,
    escalated: row.escalated,
    priority: row.rank === 0 ? 1 : 0,
    accountId: row.accountId,
    openedAt: row.openedAt,
    dueAt: row.dueAt,
    dueProvisional: row.dueProvisional,
    slaRemainingMs: row.slaRemainingMs,
    assignee: row.assignee,
    claimedAt: row.claimedAt,
    decidedAt: row.decidedAt,
    outcome: row.outcome,
    decidedBy: row.decidedBy,
    reasonCode: row.reasonCode,
    documentCount: row.documentCount,
    version: row.version,
  };
}
