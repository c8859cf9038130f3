import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { initialState } from '../domain';
import {
  statusDocument,
  withMainStatus,
  type StatusDocument,
} from '../projections/status-document';

/** A status as read: the document with its main account's overlay, and both versions. */
export interface StoredStatus {
  document: StatusDocument;
  version: number;
  /** The main account's version, for an associated account. */
  mainVersion: number | null;
}

interface StatusRow {
  document: StatusDocument;
  version: number;
  main_document: StatusDocument | null;
  main_version: number | null;
}

/** SQL of the `verification_status` read model. */
@Injectable()
export class VerificationStatusRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Writes a document unless a newer version of it is already there. */
  async save(tx: EntityManager, document: StatusDocument): Promise<void> {
    await tx.query(
      `INSERT INTO verification_status AS s (account_id, state, version, main_account_id, document, updated_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6)
       ON CONFLICT (account_id) DO UPDATE
         SET state = EXCLUDED.state, version = EXCLUDED.version,
             main_account_id = EXCLUDED.main_account_id, document = EXCLUDED.document,
             updated_at = EXCLUDED.updated_at
         WHERE s.version <= EXCLUDED.version`,
      [
        document.accountId,
        document.state,
        document.version,
        document.mainAccountId ?? null,
        JSON.stringify(document),
        document.updatedAt,
      ],
    );
  }

  async clear(tx: EntityManager): Promise<void> {
    await tx.query('DELETE FROM verification_status');
  }

  /** The account's status; `not_started` at version 0 when it has none yet. */
  async find(accountId: string): Promise<StoredStatus> {
    const rows: StatusRow[] = await this.dataSource.query(
      `SELECT s.document, s.version, m.document AS main_document, m.version AS main_version
         FROM verification_status s
         LEFT JOIN verification_status m ON m.account_id = s.main_account_id
        WHERE s.account_id = $1`,
      [accountId],
    );
    const row = rows[0];
    if (!row) {
      return {
        document: statusDocument({ accountId, state: initialState(), version: 0, updatedAt: null }),
        version: 0,
        mainVersion: null,
      };
    }
    return {
      document: withMainStatus(row.document, row.main_document),
      version: row.version,
      mainVersion: row.document.mainAccountId ? (row.main_version ?? 0) : null,
    };
  }
}
