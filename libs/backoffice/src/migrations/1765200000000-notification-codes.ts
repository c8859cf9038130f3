import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notifications keep their code and parameters (the case's due time) instead of an
 * English sentence, and when their case was decided. The old rows hold only the sentence:
 * they are dropped with the projection's checkpoint, so it rebuilds them from the log.
 */
export class NotificationCodes1765200000000 implements MigrationInterface {
  name = 'NotificationCodes1765200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`DELETE FROM backoffice_notifications`);
    await runner.query(
      `DELETE FROM es_checkpoints WHERE subscription_id = 'backoffice-notifications'`,
    );
    await runner.query(`
      ALTER TABLE backoffice_notifications
        DROP COLUMN message,
        ADD COLUMN due_at timestamptz NOT NULL,
        ADD COLUMN resolved_at timestamptz`);
    await runner.query(
      `CREATE INDEX backoffice_notifications_case_idx ON backoffice_notifications (case_id)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DELETE FROM backoffice_notifications`);
    await runner.query(
      `DELETE FROM es_checkpoints WHERE subscription_id = 'backoffice-notifications'`,
    );
    await runner.query(`DROP INDEX backoffice_notifications_case_idx`);
    await runner.query(`
      ALTER TABLE backoffice_notifications
        DROP COLUMN due_at,
        DROP COLUMN resolved_at,
        ADD COLUMN message text NOT NULL`);
  }
}
