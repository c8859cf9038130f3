import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ValidationError } from '@shiming/common';
import { CaseRoleError, kindsFor } from '../../domain';
import {
  CaseQueueRepository,
  type QueueCursor,
  type QueueRow,
} from '../../infrastructure/case-queue.repository';
import { ListCasesQuery, type CasePage, type CaseSummary } from './list-cases.query';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 100;

/** A page of the queue: escalated first, then by due time; the cursor is opaque. */
@QueryHandler(ListCasesQuery)
export class ListCasesHandler implements IQueryHandler<ListCasesQuery> {
  constructor(private readonly queue: CaseQueueRepository) {}

  async execute({ staff, filter }: ListCasesQuery): Promise<CasePage> {
    const mine = kindsFor(staff.roles);
    const kinds = filter.kind ? mine.filter((k) => k === filter.kind) : mine;
    if (kinds.length === 0) {
      throw new CaseRoleError(`The caller's roles do not see ${filter.kind ?? 'any'} cases.`);
    }
    const limit = Math.min(Math.max(filter.limit ?? DEFAULT_LIMIT, 1), MAX_LIMIT);
    const rows = await this.queue.page({
      kinds,
      status: filter.status ?? 'active',
      ...(filter.mine ? { assignee: staff.id } : {}),
      // Nobody sees the cases about their own account, not even in the list.
      notAbout: staff.id,
      limit: limit + 1,
      ...(filter.cursor ? { after: decodeCursor(filter.cursor) } : {}),
    });
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items: items.map(summary),
      nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
    };
  }
}

function summary(row: QueueRow): CaseSummary {
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
    documentCount: row.documentCount,
    version: row.version,
  };
}

export function encodeCursor(row: Pick<QueueRow, 'rank' | 'dueSort' | 'caseId'>): string {
  return Buffer.from(JSON.stringify([row.rank, row.dueSort, row.caseId])).toString('base64url');
}

export function decodeCursor(cursor: string): QueueCursor {
  try {
    const [rank, dueSort, caseId] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const valid =
      (rank === 0 || rank === 1) &&
      typeof dueSort === 'string' &&
      (dueSort === 'infinity' || !Number.isNaN(Date.parse(dueSort))) &&
      typeof caseId === 'string' &&
      /^[0-9a-f-]{36}$/i.test(caseId);
    if (valid) return { rank, dueSort, caseId };
  } catch {
    // reported below
  }
  throw new ValidationError([
    { field: 'cursor', code: 'invalid_cursor', message: 'cursor is not one this API gave out' },
  ]);
}
