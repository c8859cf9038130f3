import type { Clock } from '@shiming/workflow';
import type { DataSource } from 'typeorm';
import type { BoundCard, BoundCards } from '../../bound-cards.port';

/**
 * The wallet's bound cards, simulated: testers bind a card to an account, then use
 * "confirm the bound card" in step 5. Card and mobile are stored as given (sandbox data).
 */
export class SandboxBoundCards implements BoundCards {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async findBoundCard(accountId: string): Promise<BoundCard | null> {
    const rows: { card_number: string; mobile: string }[] = await this.dataSource.query(
      `SELECT card_number, mobile FROM sandbox_bound_cards WHERE account_id = $1`,
      [accountId],
    );
    return rows.length === 0 ? null : { cardNumber: rows[0].card_number, mobile: rows[0].mobile };
  }

  /** Binds the card to the account, replacing any card bound before. */
  async bind(accountId: string, card: BoundCard): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO sandbox_bound_cards (account_id, card_number, mobile, bound_at)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (account_id)
       DO UPDATE SET card_number = EXCLUDED.card_number, mobile = EXCLUDED.mobile,
                     bound_at = EXCLUDED.bound_at`,
      [accountId, card.cardNumber, card.mobile, this.clock.now()],
    );
  }

  async unbind(accountId: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM sandbox_bound_cards WHERE account_id = $1`, [
      accountId,
    ]);
  }
}
