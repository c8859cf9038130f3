import { MigrationInterface, QueryRunner } from 'typeorm';

export class PiiKeys1764115400000 implements MigrationInterface {
  name = 'PiiKeys1764115400000';

  async up(runner: QueryRunner): Promise<void> {
    // One data key per subject, wrapped under a master key. Shredding clears the
    // key and keeps the row as a tombstone, so that the subject never gets a new key
    // and the erasure itself stays on record.
    await runner.query(`
      CREATE TABLE pii_data_keys (
        subject_id    text PRIMARY KEY,
        key_id        text NOT NULL UNIQUE,
        wrapped_key   bytea,
        master_key_id text,
        created_at    timestamptz NOT NULL DEFAULT now(),
        shredded_at   timestamptz,
        CONSTRAINT pii_data_keys_shredded_ck
          CHECK ((shredded_at IS NULL) = (wrapped_key IS NOT NULL)),
        CONSTRAINT pii_data_keys_master_ck
          CHECK ((master_key_id IS NULL) = (wrapped_key IS NULL))
      )`);
    // Finds the keys still under a retired master key after a rotation.
    await runner.query(`
      CREATE INDEX pii_data_keys_master_idx ON pii_data_keys (master_key_id)
      WHERE shredded_at IS NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE pii_data_keys`);
  }
}
