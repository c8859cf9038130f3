import { ConflictError, NotFoundError } from '@shiming/common';

export interface MicroDeposit {
  /** Chosen by the application; sending the same id again sends nothing more. */
  depositId: string;
  cardNumber: string;
  /** 1–99 fen: see `chooseDepositAmountFen`. */
  amountFen: number;
}

export interface SentDeposit {
  /** When the bank says the money will show on the card; schedule the settlement timer then. */
  expectedSettlementAt: Date;
}

export interface SettledDeposit {
  depositId: string;
  settledAt: Date;
}

/** Pays micro-deposits to a bank card, to prove the user holds it. */
export interface Payout {
  /** Idempotent on `depositId`: a retry answers as the first send did. */
  send(deposit: MicroDeposit): Promise<SentDeposit>;
  /**
   * Called by the application's settlement timer once `expectedSettlementAt` has come:
   * records that the deposit arrived (in the sandbox, makes it visible on the card).
   * Idempotent: settling again returns the first settlement.
   * @throws DepositNotFoundError for a deposit that was never sent.
   */
  settle(depositId: string): Promise<SettledDeposit>;
}

export const PAYOUT = Symbol('Payout');

export class DepositNotFoundError extends NotFoundError {
  constructor(readonly depositId: string) {
    super(`No micro-deposit ${depositId} was sent`);
  }
}

/** The deposit id was already used for another card or amount. */
export class DepositConflictError extends ConflictError {
  override readonly code: string = 'deposit_conflict';

  constructor(readonly depositId: string) {
    super(`Micro-deposit ${depositId} was already sent with another card or amount`);
  }
}
