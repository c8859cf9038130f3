import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tiers are read from the accounts' verification streams when asked, never behind what
 * the account holder was told; the lagging read model of tiers goes. (Its subscription's
 * checkpoint row stays in the event store's table, unused.)
 */
export class DropAccountLimits1765100100000 implements MigrationInterface {
  name = 'DropAccountLimits1765100100000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE IF EXISTS account_limits`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE account_limits (
        account_id      text PRIMARY KEY,
        tier            text NOT NULL CHECK (tier IN ('none', 'limited', 'full')),
        main_account_id text,
        changed_at      timestamptz NOT NULL
      )`);
  }
}
