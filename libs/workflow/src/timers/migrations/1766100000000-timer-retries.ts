import { MigrationInterface, QueryRunner } from 'typeorm';

export class TimerRetries1766100000000 implements MigrationInterface {
  name = 'TimerRetries1766100000000';

  async up(runner: QueryRunner): Promise<void> {
    // The PostgreSQL wake-up looks for the next retry of a failed timer each time it
    // plans its sleep: failed timers are few, scheduled ones may be many.
    await runner.query(`
      CREATE INDEX wf_timers_retry_idx ON wf_timers (last_attempt_at)
      WHERE status = 'scheduled' AND last_error IS NOT NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX wf_timers_retry_idx`);
  }
}
