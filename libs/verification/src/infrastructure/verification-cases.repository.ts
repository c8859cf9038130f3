import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { VerificationEvent } from '../domain';

export type CaseKind = 'manual_review' | 'appeal';

export interface VerificationCase {
  caseId: string;
  accountId: string;
  kind: CaseKind;
  openedAt: Date;
  dueAt: Date;
  decidedAt: Date | null;
  outcome: string | null;
}

interface CaseRow {
  case_id: string;
  account_id: string;
  kind: CaseKind;
  opened_at: Date;
  due_at: Date;
  decided_at: Date | null;
  outcome: string | null;
}

/**
 * The minimal case record until the back office has its queue: which account a
 * manual review or appeal belongs to, written with the events that open and decide it.
 */
@Injectable()
export class VerificationCasesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async record(tx: EntityManager, accountId: string, events: readonly VerificationEvent[]) {
    for (const event of events) {
      switch (event.type) {
        case 'ManualReviewRequested':
        case 'AppealFiled':
          await tx.query(
            `INSERT INTO verification_cases (case_id, account_id, kind, opened_at, due_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (case_id) DO NOTHING`,
            [
              event.data.caseId,
              accountId,
              event.type === 'AppealFiled' ? 'appeal' : 'manual_review',
              event.data.at,
              event.data.dueAt,
            ],
          );
          break;
        case 'ManualReviewApproved':
        case 'ManualReviewRejected':
        case 'AppealUpheld':
        case 'AppealDenied':
          await tx.query(
            `UPDATE verification_cases SET decided_at = $2, outcome = $3 WHERE case_id = $1`,
            [event.data.caseId, event.data.at, OUTCOMES[event.type]],
          );
          break;
        default:
          break;
      }
    }
  }

  /** Staff's note on a decision, for the back office; the user never sees it. */
  async annotate(caseId: string, internalNote: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE verification_cases SET internal_note = $2 WHERE case_id = $1`,
      [caseId, internalNote],
    );
  }

  async find(caseId: string): Promise<VerificationCase | null> {
    if (!UUID.test(caseId)) return null;
    const rows: CaseRow[] = await this.dataSource.query(
      `SELECT case_id, account_id, kind, opened_at, due_at, decided_at, outcome
         FROM verification_cases WHERE case_id = $1`,
      [caseId],
    );
    const row = rows[0];
    return row
      ? {
          caseId: row.case_id,
          accountId: row.account_id,
          kind: row.kind,
          openedAt: row.opened_at,
          dueAt: row.due_at,
          decidedAt: row.decided_at,
          outcome: row.outcome,
        }
      : null;
  }
}

const OUTCOMES = {
  ManualReviewApproved: 'approved',
  ManualReviewRejected: 'rejected',
  AppealUpheld: 'upheld',
  AppealDenied: 'denied',
} as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
