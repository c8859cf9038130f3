import { MigrationInterface, QueryRunner } from 'typeorm';

export class Idempotency1764115410000 implements MigrationInterface {
  name = 'Idempotency1764115410000';

  async up(runner: QueryRunner): Promise<void> {
    // The first answer to each (caller, Idempotency-Key), replayed to retries.
    // `created_at` is when the current attempt claimed the key: it dates both the
    // 24-hour expiry and the take-over of an attempt whose process died.
    await runner.query(`
      CREATE TABLE idempotency_keys (
        principal        text NOT NULL,
        key              text NOT NULL,
        method           text NOT NULL,
        path             text NOT NULL,
        request_hash     text NOT NULL,
        state            text NOT NULL CHECK (state IN ('in_progress', 'completed')),
        status_code      integer,
        response_body    jsonb,
        response_headers jsonb,
        created_at       timestamptz NOT NULL DEFAULT now(),
        completed_at     timestamptz,
        PRIMARY KEY (principal, key),
        CONSTRAINT idempotency_keys_completed_ck CHECK (
          (state = 'completed') = (completed_at IS NOT NULL AND status_code IS NOT NULL))
      )`);
    // The expiry sweep.
    await runner.query(
      `CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE idempotency_keys`);
  }
}
