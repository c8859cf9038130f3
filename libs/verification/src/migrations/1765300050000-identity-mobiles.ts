import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The mobile lookup for staff search (DESIGN §5): the keyed hash of each mobile number a
 * submitted identity gave with a card → that identity's data-key subject. Outside the
 * log, deleted on erasure like the occupancy lookup. Cards submitted before this table
 * are not in it here: their mobiles are encrypted, and a migration holds no key to read
 * them. The `verification-identity-mobiles` subscription fills them in from the log.
 */
export class IdentityMobiles1765300050000 implements MigrationInterface {
  name = 'IdentityMobiles1765300050000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE identity_mobiles (
        mobile_hash text NOT NULL,
        subject_id  text NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (mobile_hash, subject_id)
      )`);
    await runner.query(
      `CREATE INDEX identity_mobiles_subject_idx ON identity_mobiles (subject_id)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE identity_mobiles`);
  }
}
