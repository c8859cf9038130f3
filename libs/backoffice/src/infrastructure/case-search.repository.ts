import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { CaseKind, CaseStatus } from '../domain';
import { COLUMNS, toQueueRow, type QueueRow, type Row } from './case-queue.repository';

/** The orders of the list: the queue's (escalated first, then due), or one time. */
export type CaseSort = 'queue' | 'due' | 'opened' | 'decided';
export type SortOrder = 'asc' | 'desc';

/** Which statuses: one, the escalated undecided ones, the undecided ones, or all. */
export type CaseStatusFilter = CaseStatus | 'escalated' | 'active' | 'all';

/** Where a page ended: the sort key's values as PostgreSQL writes them, then the id. */
export interface SortPosition {
  keys: (string | number)[];
  caseId: string;
}

export interface CaseSearchFilter {
  kinds: CaseKind[];
  status: CaseStatusFilter;
  caseId?: string;
  /** The account that asked for the case, or that holds the identity an appeal disputes. */
  accountId?: string;
  /** Data-key subjects of the identities the cases were opened for (blind-index hits). */
  subjects?: string[];
  assignee?: string;
  decidedBy?: string;
  reasonCode?: string;
  openedFrom?: string;
  openedTo?: string;
  decidedFrom?: string;
  decidedTo?: string;
  /** Leaves out the cases about this account (a staff member's own). */
  notAbout?: string;
  sort: CaseSort;
  order: SortOrder;
  limit: number;
  after?: SortPosition;
}

export interface SortedRow extends QueueRow {
  /** Where this row is in the order asked for, for the next page's cursor. */
  position: SortPosition;
}

// Each order is a keyset: its columns, then the case id, all in one direction, so that
// the index on them serves the order and the cursor, and a row inserted meanwhile
// lands before or after the cursor but never moves a row across it.
const SORTS: Record<CaseSort, { columns: string[]; types: string[]; where?: string }> = {
  queue: { columns: ['rank', 'due_sort'], types: ['smallint', 'timestamptz'] },
  due: { columns: ['due_sort'], types: ['timestamptz'] },
  opened: { columns: ['opened_at'], types: ['timestamptz'] },
  // Only decided cases have a place in this order.
  decided: { columns: ['decided_at'], types: ['timestamptz'], where: 'decided_at IS NOT NULL' },
};

export function sortKeyCount(sort: CaseSort): number {
  return SORTS[sort].columns.length;
}

/** Cases by filters, in one of the list's orders, a page at a time. */
@Injectable()
export class CaseSearchRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async page(filter: CaseSearchFilter): Promise<SortedRow[]> {
    if (filter.kinds.length === 0 || filter.subjects?.length === 0) return [];
    const params: unknown[] = [];
    const where: string[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filter.kinds.length === 1) where.push(`kind = ${param(filter.kinds[0])}`);
    switch (filter.status) {
      case 'all':
        break;
      case 'active':
        where.push(`status <> 'decided'`);
        break;
      case 'escalated':
        where.push(`status <> 'decided'`, `rank = 0`);
        break;
      default:
        where.push(`status = ${param(filter.status)}`);
    }
    if (filter.caseId) where.push(`case_id = ${param(filter.caseId)}::uuid`);
    if (filter.accountId) {
      const account = param(filter.accountId);
      where.push(`(account_id = ${account} OR holder_account_id = ${account})`);
    }
    if (filter.subjects) where.push(`subject_id = ANY(${param(filter.subjects)})`);
    if (filter.assignee) where.push(`assignee = ${param(filter.assignee)}`);
    if (filter.decidedBy) where.push(`decided_by = ${param(filter.decidedBy)}`);
    if (filter.reasonCode) where.push(`reason_code = ${param(filter.reasonCode)}`);
    if (filter.openedFrom) where.push(`opened_at >= ${param(filter.openedFrom)}`);
    if (filter.openedTo) where.push(`opened_at < ${param(filter.openedTo)}`);
    if (filter.decidedFrom) where.push(`decided_at >= ${param(filter.decidedFrom)}`);
    if (filter.decidedTo) where.push(`decided_at < ${param(filter.decidedTo)}`);
    if (filter.notAbout) {
      const account = param(filter.notAbout);
      where.push(`account_id <> ${account}`, `holder_account_id IS DISTINCT FROM ${account}`);
    }
    const sort = SORTS[filter.sort];
    if (sort.where) where.push(sort.where);
    const direction = filter.order === 'asc' ? 'ASC' : 'DESC';
    if (filter.after) {
      const keys = filter.after.keys.map((key, i) => `${param(key)}::${sort.types[i]}`);
      where.push(
        `(${sort.columns.join(', ')}, case_id) ${filter.order === 'asc' ? '>' : '<'} (${keys.join(
          ', ',
        )}, ${param(filter.after.caseId)}::uuid)`,
      );
    }
    const keyColumns = sort.columns.map((c, i) => `${c}::text AS sort_key_${i}`).join(', ');
    const rows: (Row & Record<string, unknown>)[] = await this.dataSource.query(
      `SELECT ${COLUMNS}, ${keyColumns} FROM case_queue
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY ${[...sort.columns, 'case_id'].map((c) => `${c} ${direction}`).join(', ')}
        LIMIT ${param(filter.limit)}`,
      params,
    );
    return rows.map((row) => ({
      ...toQueueRow(row),
      position: {
        // Exactly as stored (microseconds included), so the next page starts right after.
        keys: sort.columns.map((c, i) =>
          c === 'rank' ? Number(row[`sort_key_${i}`]) : String(row[`sort_key_${i}`]),
        ),
        caseId: row.case_id,
      },
    }));
  }
}
