import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Manual reviews and appeals are back-office cases with streams of their own now
 * (`case_queue`, `case_timeline`); the interim case table goes.
 */
export class DropVerificationCases1764139200000 implements MigrationInterface {
  name = 'DropVerificationCases1764139200000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE IF EXISTS verification_cases`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE verification_cases (
        case_id    uuid PRIMARY KEY,
        account_id text NOT NULL,
        kind       text NOT NULL CHECK (kind IN ('manual_review', 'appeal')),
        opened_at  timestamptz NOT NULL,
        due_at     timestamptz NOT NULL,
        decided_at timestamptz,
        outcome    text,
        internal_note text
      )`);
  }
}
