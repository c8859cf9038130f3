import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { CaseKind, CaseStatus, OpenedCase } from '../domain';

export type QueueStatusFilter = CaseStatus | 'escalated' | 'active';

export interface QueueFilter {
  kinds: CaseKind[];
  status: QueueStatusFilter;
  assignee?: string;
  /** Leaves out the cases about this account (a staff member's own). */
  notAbout?: string;
  limit: number;
  after?: QueueCursor;
}

/** Where a page ended, in the queue's order. */
export interface QueueCursor {
  rank: number;
  dueSort: string;
  caseId: string;
}

export interface QueueRow {
  caseId: string;
  kind: CaseKind;
  status: CaseStatus;
  escalated: boolean;
  rank: number;
  dueSort: string;
  dueAt: string | null;
  /** The due time was counted by weekdays past the calendar's data, to be recomputed. */
  dueProvisional: boolean;
  slaRemainingMs: number | null;
  accountId: string;
  holderAccountId: string | null;
  assignee: string | null;
  claimedAt: string | null;
  openedAt: string;
  escalatedAt: string | null;
  decidedAt: string | null;
  outcome: string | null;
  decidedBy: string | null;
  reasonCode: string | null;
  documentCount: number;
  version: number;
}

export interface Row {
  case_id: string;
  kind: CaseKind;
  status: CaseStatus;
  escalated: boolean;
  rank: number;
  due_at: Date | null;
  due_provisional: boolean;
  sla_remaining_ms: string | null;
  account_id: string;
  holder_account_id: string | null;
  assignee: string | null;
  claimed_at: Date | null;
  opened_at: Date;
  escalated_at: Date | null;
  decided_at: Date | null;
  outcome: string | null;
  decided_by: string | null;
  reason_code: string | null;
  document_count: number;
  version: number;
}

export const COLUMNS = `case_id, kind, status, escalated, rank, due_at, due_provisional, sla_remaining_ms,
  account_id, holder_account_id, assignee, claimed_at, opened_at, escalated_at, decided_at,
  outcome, decided_by, reason_code, document_count, version`;

// 'infinity' sorts paused cases (no due time) after every dated one.
const INFINITY = 'infinity';

/** `case_queue`: the read model of the queue, and its queries. */
@Injectable()
export class CaseQueueRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Writes the case's row; `subjectId` (the identity it was opened for) is kept once
   * written, so a later save may pass null.
   */
  async save(
    tx: EntityManager,
    state: OpenedCase,
    version: number,
    subjectId: string | null = null,
  ): Promise<void> {
    const escalated = state.escalatedAt !== null;
    const decision = state.status === 'decided' ? state.decision : null;
    await tx.query(
      `INSERT INTO case_queue (case_id, kind, status, escalated, rank, due_sort, due_at,
         sla_remaining_ms, account_id, holder_account_id, assignee, claimed_at, opened_at,
         escalated_at, decided_at, outcome, paused_ms, document_count, version, subject_id,
         decided_by, reason_code, due_provisional)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
         $20, $21, $22, $23)
       ON CONFLICT (case_id) DO UPDATE SET
         status = EXCLUDED.status, escalated = EXCLUDED.escalated, rank = EXCLUDED.rank,
         due_sort = EXCLUDED.due_sort, due_at = EXCLUDED.due_at,
         due_provisional = EXCLUDED.due_provisional,
         sla_remaining_ms = EXCLUDED.sla_remaining_ms, assignee = EXCLUDED.assignee,
         claimed_at = EXCLUDED.claimed_at, escalated_at = EXCLUDED.escalated_at,
         decided_at = EXCLUDED.decided_at, outcome = EXCLUDED.outcome,
         paused_ms = EXCLUDED.paused_ms, document_count = EXCLUDED.document_count,
         version = EXCLUDED.version,
         subject_id = COALESCE(EXCLUDED.subject_id, case_queue.subject_id),
         decided_by = EXCLUDED.decided_by, reason_code = EXCLUDED.reason_code
       WHERE case_queue.version < EXCLUDED.version`,
      [
        state.caseId,
        state.kind,
        state.status,
        escalated,
        escalated && !decision ? 0 : 1,
        state.dueAt ?? INFINITY,
        state.dueAt,
        state.status === 'awaiting_user' ? state.slaRemainingMs : null,
        state.accountId,
        state.holderAccountId,
        state.claim?.staffId ?? null,
        state.claim?.claimedAt ?? null,
        state.openedAt,
        state.escalatedAt,
        decision?.decidedAt ?? null,
        decision?.outcome ?? null,
        state.pausedMs,
        state.documents.length,
        version,
        subjectId,
        decision?.decidedBy ?? null,
        decision?.reasonCode ?? null,
        state.provisionalDue === true,
      ],
    );
  }

  /** The subject already recorded for the case, so the projection looks it up once. */
  async subjectOf(tx: EntityManager, caseId: string): Promise<string | null> {
    const [row]: { subject_id: string | null }[] = await tx.query(
      `SELECT subject_id FROM case_queue WHERE case_id = $1`,
      [caseId],
    );
    return row?.subject_id ?? null;
  }

  async clear(tx: EntityManager): Promise<void> {
    await tx.query(`DELETE FROM case_queue`);
  }

  /** One page in queue order: escalated first, then by due time, then by id. */
  async page(filter: QueueFilter): Promise<QueueRow[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filter.kinds.length === 1) where.push(`kind = ${param(filter.kinds[0])}`);
    else if (filter.kinds.length === 0) return [];
    switch (filter.status) {
      case 'active':
        where.push(`status <> 'decided'`);
        break;
      case 'escalated':
        where.push(`status <> 'decided'`, `rank = 0`);
        break;
      default:
        where.push(`status = ${param(filter.status)}`);
    }
    if (filter.assignee) where.push(`assignee = ${param(filter.assignee)}`);
    if (filter.notAbout) {
      const account = param(filter.notAbout);
      where.push(`account_id <> ${account}`, `holder_account_id IS DISTINCT FROM ${account}`);
    }
    if (filter.after) {
      where.push(
        `(rank, due_sort, case_id) > (${param(filter.after.rank)}, ${param(
          filter.after.dueSort,
        )}::timestamptz, ${param(filter.after.caseId)}::uuid)`,
      );
    }
    const rows: Row[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM case_queue WHERE ${where.join(' AND ')}
        ORDER BY rank, due_sort, case_id LIMIT ${param(filter.limit)}`,
      params,
    );
    return rows.map(toQueueRow);
  }

  /** The most urgent open cases of these kinds that this staff member may take. */
  async claimable(kinds: CaseKind[], staffId: string, limit: number): Promise<string[]> {
    const rows: { case_id: string }[] = await this.dataSource.query(
      `SELECT case_id FROM case_queue
        WHERE status = 'open' AND kind = ANY($1)
          AND account_id <> $2 AND holder_account_id IS DISTINCT FROM $2
        ORDER BY rank, due_sort, case_id LIMIT $3`,
      [kinds, staffId, limit],
    );
    return rows.map((r) => r.case_id);
  }

  async find(caseId: string): Promise<QueueRow | null> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM case_queue WHERE case_id = $1`,
      [caseId],
    );
    return rows[0] ? toQueueRow(rows[0]) : null;
  }

  async backlog(): Promise<{ kind: CaseKind; status: string; escalated: boolean; n: number }[]> {
    const rows: { kind: CaseKind; status: string; escalated: boolean; n: string }[] =
      await this.dataSource.query(
        `SELECT kind, status, escalated, count(*) AS n FROM case_queue
          WHERE status <> 'decided' GROUP BY kind, status, escalated`,
      );
    return rows.map((r) => ({ ...r, n: Number(r.n) }));
  }

  async breachesSince(since: Date): Promise<{ open: number; since: number }> {
    const [row]: { open: string; since: string }[] = await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE status <> 'decided') AS open,
              count(*) FILTER (WHERE escalated_at >= $1) AS since
         FROM case_queue WHERE escalated_at IS NOT NULL`,
      [since],
    );
    return { open: Number(row.open), since: Number(row.since) };
  }

  /** Decision times (opening to decision, less time waiting on the user) since `since`. */
  async decisionTimes(since: Date): Promise<
    {
      kind: CaseKind;
      decided: number;
      p50: number | null;
      p90: number | null;
      p99: number | null;
    }[]
  > {
    const rows: {
      kind: CaseKind;
      decided: string;
      p50: number | null;
      p90: number | null;
      p99: number | null;
    }[] = await this.dataSource.query(
      `SELECT kind, count(*) AS decided,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY ms) AS p90,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99
         FROM (SELECT kind, greatest(0, extract(epoch FROM decided_at - opened_at) * 1000
                                        - paused_ms) AS ms
                 FROM case_queue WHERE decided_at >= $1) decided
        GROUP BY kind`,
      [since],
    );
    return rows.map((r) => ({
      kind: r.kind,
      decided: Number(r.decided),
      p50: r.p50 === null ? null : Math.round(Number(r.p50)),
      p90: r.p90 === null ? null : Math.round(Number(r.p90)),
      p99: r.p99 === null ? null : Math.round(Number(r.p99)),
    }));
  }
}

function iso(value: Date | null): string | null {
  return value ? value.toISOString() : null;
}

export function toQueueRow(row: Row): QueueRow {
  return {
    caseId: row.case_id,
    kind: row.kind,
    status: row.status,
    escalated: row.escalated,
    rank: row.rank,
    // As `save` writes it: the due time, or infinity while paused (which `pg` would not
    // turn into a Date worth reading).
    dueSort: row.due_at ? row.due_at.toISOString() : INFINITY,
    dueAt: iso(row.due_at),
    dueProvisional: row.due_provisional,
    slaRemainingMs: row.sla_remaining_ms === null ? null : Number(row.sla_remaining_ms),
    accountId: row.account_id,
    holderAccountId: row.holder_account_id,
    assignee: row.assignee,
    claimedAt: iso(row.claimed_at),
    openedAt: row.opened_at.toISOString(),
    escalatedAt: iso(row.escalated_at),
    decidedAt: iso(row.decided_at),
    outcome: row.outcome,
    decidedBy: row.decided_by,
    reasonCode: row.reason_code,
    documentCount: row.document_count,
    version: row.version,
  };
}
