import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type {
  AllowanceUsage,
  DecidedAuthorization,
  DeclineReason,
  Direction,
  Month,
  Tier,
} from '../domain';

/** The usage row of one allowance's month. */
export type UsageRow = AllowanceUsage;

/** One decision, found again by its reference, with the id of the event that recorded it. */
export interface AuthorizationRecord extends DecidedAuthorization {
  eventId: string;
}

interface AuthorizationRow {
  reference: string;
  event_id: string;
  account_id: string;
  holder_account_id: string;
  month: string;
  direction: Direction;
  amount_fen: string;
  tier: Tier;
  decision: 'approved' | 'declined';
  reason: DeclineReason | null;
  remaining_collect_fen: string | null;
  remaining_total_fen: string | null;
  decided_at: Date;
}

/** The limits' tables. Writes take the caller's transaction; reads may too. */
@Injectable()
export class LimitsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findUsage(
    holderAccountId: string,
    month: Month,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<UsageRow | null> {
    const rows: {
      collected_fen: string;
      paid_fen: string;
      stream_version: string;
      updated_at: Date;
    }[] = await manager.query(
      `SELECT collected_fen, paid_fen, stream_version, updated_at
       FROM account_limit_usage WHERE account_id = $1 AND month = $2`,
      [holderAccountId, month],
    );
    if (rows.length === 0) return null;
    return {
      holderAccountId,
      month,
      collectedFen: Number(rows[0].collected_fen),
      paidFen: Number(rows[0].paid_fen),
      streamVersion: Number(rows[0].stream_version),
      updatedAt: rows[0].updated_at.toISOString(),
    };
  }

  /** Sets usage rows to what their events say, unless a row already reflects a later event. */
  async saveUsage(tx: EntityManager, rows: UsageRow[]): Promise<void> {
    if (rows.length === 0) return;
    await tx.query(
      `INSERT INTO account_limit_usage AS u
         (account_id, month, collected_fen, paid_fen, stream_version, updated_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::timestamptz[])
       ON CONFLICT (account_id, month) DO UPDATE
         SET collected_fen = EXCLUDED.collected_fen,
             paid_fen = EXCLUDED.paid_fen,
             stream_version = EXCLUDED.stream_version,
             updated_at = EXCLUDED.updated_at
         WHERE u.stream_version < EXCLUDED.stream_version`,
      [
        rows.map((r) => r.holderAccountId),
        rows.map((r) => r.month),
        rows.map((r) => r.collectedFen),
        rows.map((r) => r.paidFen),
        rows.map((r) => r.streamVersion),
        rows.map((r) => r.updatedAt),
      ],
    );
  }

  async deleteUsage(tx: EntityManager): Promise<void> {
    await tx.query('DELETE FROM account_limit_usage');
  }

  async findAuthorization(
    reference: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<AuthorizationRecord | null> {
    const rows: AuthorizationRow[] = await manager.query(
      `SELECT reference, event_id, account_id, holder_account_id, month, direction, amount_fen,
              tier, decision, reason, remaining_collect_fen, remaining_total_fen, decided_at
       FROM limit_authorizations WHERE reference = $1`,
      [reference],
    );
    if (rows.length === 0) return null;
    const row = rows[0];
    return {
      reference: row.reference,
      eventId: row.event_id,
      accountId: row.account_id,
      holderAccountId: row.holder_account_id,
      month: row.month,
      direction: row.direction,
      amountFen: Number(row.amount_fen),
      tier: row.tier,
      decision: row.decision,
      reason: row.reason,
      remaining: {
        collectFen: nullableNumber(row.remaining_collect_fen),
        totalFen: nullableNumber(row.remaining_total_fen),
      },
      decidedAt: row.decided_at.toISOString(),
    };
  }

  /**
   * Keeps a decision under its reference, unless the reference has one already: false
   * then. A transaction storing the same reference makes this wait for its outcome.
   */
  async insertAuthorization(tx: EntityManager, record: AuthorizationRecord): Promise<boolean> {
    const inserted: unknown[] = await tx.query(
      `INSERT INTO limit_authorizations
         (reference, event_id, account_id, holder_account_id, month, direction, amount_fen,
          tier, decision, reason, remaining_collect_fen, remaining_total_fen, decided_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (reference) DO NOTHING
       RETURNING reference`,
      [
        record.reference,
        record.eventId,
        record.accountId,
        record.holderAccountId,
        record.month,
        record.direction,
        record.amountFen,
        record.tier,
        record.decision,
        record.reason,
        record.remaining.collectFen,
        record.remaining.totalFen,
        record.decidedAt,
      ],
    );
    return inserted.length === 1;
  }
}

function nullableNumber(value: string | null): number | null {
  return value === null ? null : Number(value);
}
