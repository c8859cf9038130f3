import type { Clock } from '@shiming/workflow';
import type { DataSource } from 'typeorm';
import { fenToYuan } from '../../deposit-amount';
import {
  DepositConflictError,
  DepositNotFoundError,
  type MicroDeposit,
  type Payout,
  type SentDeposit,
  type SettledDeposit,
} from '../../payout.port';
import { sandboxLookupHash } from './sandbox-hash';

/** A settled deposit as the card holder sees it on their statement. */
export interface SandboxBankDeposit {
  depositId: string;
  amountFen: number;
  /** Yuan, two decimals: "0.37". */
  amount: string;
  sentAt: Date;
  settledAt: Date;
}

interface DepositRow {
  deposit_id: string;
  card_number_hash: string;
  amount_fen: number;
  sent_at: Date;
  settles_at: Date;
  settled_at: Date | null;
}

/**
 * The sandbox bank behind the payout port. A deposit is due `settlementMs` after it
 * is sent, but only the application's settlement timer (through `settle`) makes it
 * visible, so that the test clock alone decides when users see it.
 */
export class SandboxBank implements Payout {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly settlementMs: number,
  ) {}

  async send(deposit: MicroDeposit): Promise<SentDeposit> {
    if (!Number.isSafeInteger(deposit.amountFen) || deposit.amountFen <= 0) {
      throw new RangeError(`A deposit is a positive whole number of fen, not ${deposit.amountFen}`);
    }
    const sentAt = this.clock.now();
    const cardHash = sandboxLookupHash(deposit.cardNumber);
    const inserted: Pick<DepositRow, 'settles_at'>[] = await this.dataSource.query(
      `INSERT INTO sandbox_bank_deposits (deposit_id, card_number_hash, amount_fen, sent_at, settles_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (deposit_id) DO NOTHING
       RETURNING settles_at`,
      [
        deposit.depositId,
        cardHash,
        deposit.amountFen,
        sentAt,
        new Date(sentAt.getTime() + this.settlementMs),
      ],
    );
    if (inserted.length > 0) return { expectedSettlementAt: inserted[0].settles_at };
    const existing = await this.find(deposit.depositId);
    if (
      !existing ||
      existing.card_number_hash !== cardHash ||
      existing.amount_fen !== deposit.amountFen
    ) {
      throw new DepositConflictError(deposit.depositId);
    }
    return { expectedSettlementAt: existing.settles_at };
  }

  async settle(depositId: string): Promise<SettledDeposit> {
    // COALESCE keeps the first settlement time when a timer fires twice; a concurrent
    // second call waits on the row lock and then reads the first one's value.
    const rows: Pick<DepositRow, 'settled_at'>[] = await this.dataSource.query(
      `WITH settled AS (
         UPDATE sandbox_bank_deposits SET settled_at = COALESCE(settled_at, $2)
         WHERE deposit_id = $1
         RETURNING settled_at
       )
       SELECT settled_at FROM settled`,
      [depositId, this.clock.now()],
    );
    if (rows.length === 0) throw new DepositNotFoundError(depositId);
    return { depositId, settledAt: rows[0].settled_at as Date };
  }

  /** Settled deposits to the card, newest first; deposits still in transit are not shown. */
  async depositsFor(cardNumber: string): Promise<SandboxBankDeposit[]> {
    const rows: DepositRow[] = await this.dataSource.query(
      `SELECT deposit_id, card_number_hash, amount_fen, sent_at, settles_at, settled_at
       FROM sandbox_bank_deposits
       WHERE card_number_hash = $1 AND settled_at IS NOT NULL
       ORDER BY settled_at DESC, deposit_id`,
      [sandboxLookupHash(cardNumber)],
    );
    return rows.map((row) => ({
      depositId: row.deposit_id,
      amountFen: row.amount_fen,
      amount: fenToYuan(row.amount_fen),
      sentAt: row.sent_at,
      settledAt: row.settled_at as Date,
    }));
  }

  private async find(depositId: string): Promise<DepositRow | null> {
    const rows: DepositRow[] = await this.dataSource.query(
      `SELECT deposit_id, card_number_hash, amount_fen, sent_at, settles_at, settled_at
       FROM sandbox_bank_deposits WHERE deposit_id = $1`,
      [depositId],
    );
    return rows[0] ?? null;
  }
}
