import { MigrationInterface, QueryRunner } from 'typeorm';

export class CheckpointEventTypes1765300000000 implements MigrationInterface {
  name = 'CheckpointEventTypes1765300000000';

  async up(runner: QueryRunner): Promise<void> {
    // The event types a subscriber handles (NULL: all). Its checkpoint is written
    // lazily, when it handled something or after a bound, so its lag and whether it
    // has reached a position are judged by the events of these types past it.
    await runner.query(`ALTER TABLE es_checkpoints ADD COLUMN event_types text[]`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE es_checkpoints DROP COLUMN event_types`);
  }
}
