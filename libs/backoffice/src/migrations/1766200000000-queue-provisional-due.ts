import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The queue shows whether a case's due time is provisional (counted past the calendar's
 * data). The existing rows do not know: they are dropped with the projection's
 * checkpoint, so it rebuilds them from the log.
 */
export class QueueProvisionalDue1766200000000 implements MigrationInterface {
  name = 'QueueProvisionalDue1766200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`DELETE FROM case_queue`);
    await runner.query(
      `DELETE FROM es_checkpoints WHERE subscription_id = 'backoffice-case-queue'`,
    );
    await runner.query(
      `ALTER TABLE case_queue ADD COLUMN due_provisional boolean NOT NULL DEFAULT false`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE case_queue DROP COLUMN due_provisional`);
  }
}
