import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { LogPosition } from '@shiming/event-store';

/** A case an account asked for, and where the event that named it is in the log. */
export interface CaseRequest {
  caseId: string;
  accountId: string;
  position: LogPosition;
}

/** SQL of `verification_case_requests`, written with the events that name the cases. */
@Injectable()
export class CaseRequestsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async save(tx: EntityManager, requests: readonly CaseRequest[]): Promise<void> {
    if (requests.length === 0) return;
    await tx.query(
      `INSERT INTO verification_case_requests (case_id, account_id, transaction_id, global_position)
       SELECT * FROM unnest($1::text[], $2::text[], $3::xid8[], $4::bigint[])
       ON CONFLICT (case_id) DO NOTHING`,
      [
        requests.map((r) => r.caseId),
        requests.map((r) => r.accountId),
        requests.map((r) => String(r.position.transactionId)),
        requests.map((r) => String(r.position.globalPosition)),
      ],
    );
  }

  async find(caseId: string): Promise<CaseRequest | null> {
    const rows: {
      case_id: string;
      account_id: string;
      transaction_id: string;
      global_position: string;
    }[] = await this.dataSource.query(
      `SELECT case_id, account_id, transaction_id, global_position
         FROM verification_case_requests WHERE case_id = $1`,
      [caseId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      caseId: row.case_id,
      accountId: row.account_id,
      position: {
        transactionId: BigInt(row.transaction_id),
        globalPosition: BigInt(row.global_position),
      },
    };
  }
}
