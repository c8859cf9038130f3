import { MigrationInterface, QueryRunner } from 'typeorm';

export class IdempotencyFingerprints1764150000000 implements MigrationInterface {
  name = 'IdempotencyFingerprints1764150000000';

  async up(runner: QueryRunner): Promise<void> {
    // The stored fingerprints were plain SHA-256 hashes of request bodies, against which
    // a payment password, SMS code or amount could be guessed offline; they go. A retry
    // of a request answered before runs again, and its command, whose id derives from
    // the key, does not act twice.
    await runner.query(`DELETE FROM idempotency_keys`);
    // The account a stored answer is about, so that erasure can delete it.
    await runner.query(`ALTER TABLE idempotency_keys ADD COLUMN account_id text`);
    await runner.query(
      `CREATE INDEX idempotency_keys_account_idx ON idempotency_keys (account_id)
        WHERE account_id IS NOT NULL`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX idempotency_keys_account_idx`);
    await runner.query(`ALTER TABLE idempotency_keys DROP COLUMN account_id`);
  }
}
