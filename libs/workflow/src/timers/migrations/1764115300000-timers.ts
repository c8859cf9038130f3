import { MigrationInterface, QueryRunner } from 'typeorm';

export class Timers1764115300000 implements MigrationInterface {
  name = 'Timers1764115300000';

  async up(runner: QueryRunner): Promise<void> {
    // The source of truth for timers; Redis only holds wake-ups for the ones due soon.
    await runner.query(`
      CREATE TABLE wf_timers (
        timer_id        uuid PRIMARY KEY,
        stream_id       text NOT NULL,
        kind            text NOT NULL,
        timer_key       text NOT NULL DEFAULT '',
        generation      integer NOT NULL DEFAULT 1 CHECK (generation >= 1),
        due_at          timestamptz NOT NULL,
        payload         jsonb NOT NULL DEFAULT '{}'::jsonb,
        status          text NOT NULL DEFAULT 'scheduled'
                        CHECK (status IN ('scheduled', 'firing', 'fired', 'cancelled')),
        created_at      timestamptz NOT NULL,
        enqueued_at     timestamptz,
        fired_at        timestamptz,
        cancelled_at    timestamptz,
        attempts        integer NOT NULL DEFAULT 0,
        last_attempt_at timestamptz,
        last_error      text,
        CONSTRAINT wf_timers_fired_at_ck CHECK ((status IN ('firing', 'fired')) = (fired_at IS NOT NULL)),
        CONSTRAINT wf_timers_cancelled_at_ck CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
      )`);
    // One live timer per kind on a stream (an SLA, an expiry, a claim). The key lets a
    // kind that is not exclusive (one per deposit, per code sent) keep several.
    await runner.query(`
      CREATE UNIQUE INDEX wf_timers_one_live_uq ON wf_timers (stream_id, kind, timer_key)
      WHERE status = 'scheduled'`);
    // The reconciler's and the test clock's scan, in due order.
    await runner.query(`
      CREATE INDEX wf_timers_due_idx ON wf_timers (due_at, timer_id) WHERE status = 'scheduled'`);
    // The sandbox's test clock: one offset that every api and worker process reads.
    await runner.query(`
      CREATE TABLE wf_clock (
        id          smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        offset_ms   bigint NOT NULL DEFAULT 0,
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`INSERT INTO wf_clock (id, offset_ms) VALUES (1, 0)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE wf_clock`);
    await runner.query(`DROP TABLE wf_timers`);
  }
}
