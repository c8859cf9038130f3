import { MigrationInterface, QueryRunner } from 'typeorm';

export class TimerTrace1766400000000 implements MigrationInterface {
  name = 'TimerTrace1766400000000';

  async up(runner: QueryRunner): Promise<void> {
    // The W3C trace context of the span that armed (or last re-armed) the timer, for the
    // firing's span to link to, days later. Null when tracing was off. Nullable without a
    // default: adding it rewrites no row.
    await runner.query(`ALTER TABLE wf_timers ADD COLUMN trace jsonb`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE wf_timers DROP COLUMN trace`);
  }
}
