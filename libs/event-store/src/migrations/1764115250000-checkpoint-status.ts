import { MigrationInterface, QueryRunner } from 'typeorm';

export class CheckpointStatus1764115250000 implements MigrationInterface {
  name = 'CheckpointStatus1764115250000';

  async up(runner: QueryRunner): Promise<void> {
    // A failing subscriber is visible in PostgreSQL, not only in a log: `attempts`
    // counts failed batches since the last one that committed (0 = healthy), and
    // the last failure is kept after recovery for the record.
    await runner.query(`
      ALTER TABLE es_checkpoints
        ADD COLUMN attempts   integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        ADD COLUMN last_error text,
        ADD COLUMN failed_at  timestamptz`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE es_checkpoints
        DROP COLUMN failed_at,
        DROP COLUMN last_error,
        DROP COLUMN attempts`);
  }
}
