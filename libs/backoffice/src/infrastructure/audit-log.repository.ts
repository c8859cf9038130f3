import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { CaseKind } from '../domain';

/** What staff did that the audit view lists. */
export type AuditAction =
  | 'document_viewed'
  | 'personal_data_revealed'
  | 'identity_compared'
  | 'case_decided'
  | 'proposal_reviewed'
  | 'personal_data_searched'
  | 'audit_exported';

export const AUDIT_ACTIONS: readonly AuditAction[] = [
  'document_viewed',
  'personal_data_revealed',
  'identity_compared',
  'case_decided',
  'proposal_reviewed',
  'personal_data_searched',
  'audit_exported',
];

/**
 * One audited action. `details` holds ids, codes and field names only (`documentId`,
 * `fields`, `outcome`, `reasonCode`, `approvedBy`, `approved`, `filter`; a search's
 * `searchedBy`, `caseIds` and `nextPage`), and the staff member's
 * justification for seeing personal data; never a value of it.
 */
export interface AuditEntry {
  eventId: string;
  at: string;
  action: AuditAction;
  staffId: string;
  caseId: string | null;
  caseKind: CaseKind | null;
  accountId: string | null;
  holderAccountId: string | null;
  details: Record<string, unknown>;
}

export interface AuditQuery {
  staffId?: string;
  /** The applicant's account, or the holder's in an appeal. */
  accountId?: string;
  from?: string;
  to?: string;
  /** Leaves out what is about this account (a supervisor's own). */
  notAbout?: string;
  limit: number;
  /** Where the previous page ended, newest first. */
  before?: AuditCursor;
}

export interface AuditCursor {
  at: string;
  eventId: string;
}

interface Row {
  event_id: string;
  at: Date;
  action: AuditAction;
  staff_id: string;
  case_id: string | null;
  case_kind: CaseKind | null;
  account_id: string | null;
  holder_account_id: string | null;
  details: Record<string, unknown>;
}

export interface AuditCase {
  kind: CaseKind;
  accountId: string;
  holderAccountId: string | null;
}

/** `backoffice_audit` and the accounts of each case, fed by `AuditLogProjection`. */
@Injectable()
export class AuditLogRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async addCase(tx: EntityManager, caseId: string, auditCase: AuditCase): Promise<void> {
    await tx.query(
      `INSERT INTO backoffice_audit_cases (case_id, kind, account_id, holder_account_id)
       VALUES ($1, $2, $3, $4) ON CONFLICT (case_id) DO NOTHING`,
      [caseId, auditCase.kind, auditCase.accountId, auditCase.holderAccountId],
    );
  }

  async caseOf(tx: EntityManager, caseId: string): Promise<AuditCase | null> {
    const rows: { kind: CaseKind; account_id: string; holder_account_id: string | null }[] =
      await tx.query(
        `SELECT kind, account_id, holder_account_id FROM backoffice_audit_cases WHERE case_id = $1`,
        [caseId],
      );
    const row = rows[0];
    return row
      ? { kind: row.kind, accountId: row.account_id, holderAccountId: row.holder_account_id }
      : null;
  }

  async add(tx: EntityManager, entry: AuditEntry): Promise<void> {
    await tx.query(
      `INSERT INTO backoffice_audit (event_id, at, action, staff_id, case_id, case_kind,
         account_id, holder_account_id, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (event_id) DO NOTHING`,
      [
        entry.eventId,
        entry.at,
        entry.action,
        entry.staffId,
        entry.caseId,
        entry.caseKind,
        entry.accountId,
        entry.holderAccountId,
        JSON.stringify(entry.details),
      ],
    );
  }

  async clear(tx: EntityManager): Promise<void> {
    await tx.query(`DELETE FROM backoffice_audit`);
    await tx.query(`DELETE FROM backoffice_audit_cases`);
  }

  /** One page, newest first, in the keyset order (at, event id). */
  async page(query: AuditQuery): Promise<AuditEntry[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (query.staffId) where.push(`staff_id = ${param(query.staffId)}`);
    if (query.accountId) {
      const account = param(query.accountId);
      where.push(`(account_id = ${account} OR holder_account_id = ${account})`);
    }
    if (query.notAbout) {
      const own = param(query.notAbout);
      where.push(`account_id IS DISTINCT FROM ${own}`, `holder_account_id IS DISTINCT FROM ${own}`);
    }
    if (query.from) where.push(`at >= ${param(query.from)}`);
    if (query.to) where.push(`at < ${param(query.to)}`);
    if (query.before) {
      where.push(
        `(at, event_id) < (${param(query.before.at)}::timestamptz, ${param(query.before.eventId)}::uuid)`,
      );
    }
    const rows: Row[] = await this.dataSource.query(
      `SELECT event_id, at, action, staff_id, case_id, case_kind, account_id, holder_account_id,
              details
         FROM backoffice_audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY at DESC, event_id DESC LIMIT ${param(query.limit)}`,
      params,
    );
    return rows.map((r) => ({
      eventId: r.event_id,
      at: r.at.toISOString(),
      action: r.action,
      staffId: r.staff_id,
      caseId: r.case_id,
      caseKind: r.case_kind,
      accountId: r.account_id,
      holderAccountId: r.holder_account_id,
      details: r.details,
    }));
  }
}
