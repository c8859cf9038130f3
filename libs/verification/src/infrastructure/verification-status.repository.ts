import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { scrubDatabaseError } from '@shiming/common';
import type { Pool } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import type { AlongsideWrite } from '@shiming/event-store';
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

  /**
   * Writes documents, each unless its account's row already has that version or a newer
   * one: a command writes its account's row in its own transaction, and the subscription
   * or a rebuild replaying the log after it never moves the row back. At most one
   * document per account.
   */
  async save(tx: EntityManager, documents: readonly StatusDocument[]): Promise<void> {
    if (documents.length === 0) return;
    const write = statusWrite(documents);
    await tx.query(
      write.sql((index) => `$${index}`, '(SELECT 1) AS appended'),
      write.params,
    );
  }

  /** `save` of one document, made by the statement that appends the events it shows. */
  saveWithAppend(document: StatusDocument): AlongsideWrite {
    return statusWrite([document]);
  }

  /** Accounts with an open appeal whose due time is provisional (working-day calendar). */
  async provisionalAppeals(): Promise<string[]> {
    const rows: { account_id: string }[] = await this.dataSource.query(
      `SELECT account_id FROM verification_status
        WHERE state = 'appeal_pending' AND document->'deadlines'->>'provisional' = 'true'
        ORDER BY account_id`,
    );
    return rows.map((row) => row.account_id);
  }

  /** The versions stored for these accounts (an account without a row is left out). */
  async versions(tx: EntityManager, accountIds: readonly string[]): Promise<Map<string, number>> {
    const rows: { account_id: string; version: number }[] = await tx.query(
      `SELECT account_id, version FROM verification_status WHERE account_id = ANY($1::text[])`,
      [accountIds],
    );
    return new Map(rows.map((row) => [row.account_id, row.version]));
  }

  /**
   * Empties the table for a rebuild; returns the accounts it had. Commands write it in their own transactions: the
   * lock holds them off until the rebuild commits (they would wait for the rows it
   * deletes anyway), so that a command writing several accounts' rows (a batch of timers)
   * and the rebuild never wait for each other's rows in opposite orders. Readers are not
   * held: they see the old rows until the rebuild commits.
   */
  async clear(tx: EntityManager): Promise<string[]> {
    await tx.query('LOCK TABLE verification_status IN SHARE ROW EXCLUSIVE MODE');
    // As a SELECT, so that the driver hands back the rows (for a DELETE it gives a count too).
    const rows: { account_id: string }[] = await tx.query(
      `WITH deleted AS (DELETE FROM verification_status RETURNING account_id)
       SELECT account_id FROM deleted`,
    );
    return rows.map((row) => row.account_id);
  }

  /**
   * The versions `find` would answer with, without the documents: version 0 and no main
   * account's when the account has no status yet.
   */
  async findVersions(accountId: string): Promise<Pick<StoredStatus, 'version' | 'mainVersion'>> {
    const rows = await this.read<{
      version: number;
      main_account_id: string | null;
      main_version: number | null;
    }>(
      'verification_status_versions',
      `SELECT s.version, s.main_account_id, m.version AS main_version
         FROM verification_status s
         LEFT JOIN verification_status m ON m.account_id = s.main_account_id
        WHERE s.account_id = $1`,
      [accountId],
    );
    const row = rows[0];
    if (!row) return { version: 0, mainVersion: null };
    return {
      version: row.version,
      mainVersion: row.main_account_id ? (row.main_version ?? 0) : null,
    };
  }

  /** The account's status; `not_started` at version 0 when it has none yet. */
  async find(accountId: string): Promise<StoredStatus> {
    const rows = await this.read<StatusRow>(
      'verification_status_find',
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

  // The status poll's reads, the api's most frequent: straight to the driver's pool,
  // without the ORM's query-runner bookkeeping, and prepared once per connection. Not in
  // a transaction: a command commits its account's row before it answers, so a read
  // after the answer sees it.
  private async read<T>(name: string, text: string, values: unknown[]): Promise<T[]> {
    const pool = (this.dataSource.driver as unknown as { master: Pool }).master;
    // Past TypeORM, whose logger takes a failed query's values out of its error: here too.
    const result = await pool.query({ name, text, values }).catch((error: unknown) => {
      scrubDatabaseError(error);
      throw error;
    });
    return result.rows as T[];
  }
}

// Each document unless its account's row already has that version or a newer one.
function statusWrite(documents: readonly StatusDocument[]): AlongsideWrite {
  return {
    sql: (
      $,
      appended,
    ) => `INSERT INTO verification_status AS s (account_id, state, version, main_account_id, document, updated_at)
       SELECT x.account_id, x.state, x.version, x.main_account_id, x.document::jsonb, x.updated_at
         FROM unnest(${$(1)}::text[], ${$(2)}::text[], ${$(3)}::int[], ${$(4)}::text[], ${$(5)}::text[], ${$(6)}::timestamptz[])
           AS x(account_id, state, version, main_account_id, document, updated_at)
        WHERE EXISTS (SELECT 1 FROM ${appended})
       ON CONFLICT (account_id) DO UPDATE
         SET state = EXCLUDED.state, version = EXCLUDED.version,
             main_account_id = EXCLUDED.main_account_id, document = EXCLUDED.document,
             updated_at = EXCLUDED.updated_at
         WHERE s.version < EXCLUDED.version`,
    params: [
      documents.map((d) => d.accountId),
      documents.map((d) => d.state),
      documents.map((d) => d.version),
      documents.map((d) => d.mainAccountId ?? null),
      documents.map((d) => JSON.stringify(d)),
      documents.map((d) => d.updatedAt),
    ],
  };
}
