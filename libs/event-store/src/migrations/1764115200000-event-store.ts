import { MigrationInterface, QueryRunner } from 'typeorm';

export class EventStore1764115200000 implements MigrationInterface {
  name = 'EventStore1764115200000';

  async up(runner: QueryRunner): Promise<void> {
    // One row per stream: its current version. Creating a stream is an INSERT that a
    // concurrent creator cannot also win; appending is a compare-and-set on version.
    await runner.query(`
      CREATE TABLE es_streams (
        stream_id   text PRIMARY KEY,
        version     bigint NOT NULL CHECK (version > 0),
        created_at  timestamptz NOT NULL,
        updated_at  timestamptz NOT NULL
      )`);
    await runner.query(`CREATE SEQUENCE es_events_global_position_seq AS bigint`);
    // transaction_id orders the log for readers: see subscription reads.
    await runner.query(`
      CREATE TABLE es_events (
        global_position bigint NOT NULL DEFAULT nextval('es_events_global_position_seq'),
        transaction_id  xid8 NOT NULL DEFAULT pg_current_xact_id(),
        stream_id       text NOT NULL,
        stream_version  bigint NOT NULL,
        event_id        uuid NOT NULL,
        event_type      text NOT NULL,
        schema_version  integer NOT NULL,
        data            jsonb NOT NULL,
        metadata        jsonb NOT NULL,
        recorded_at     timestamptz NOT NULL,
        CONSTRAINT es_events_pk PRIMARY KEY (stream_id, stream_version),
        CONSTRAINT es_events_event_id_uq UNIQUE (event_id),
        CONSTRAINT es_events_global_position_uq UNIQUE (global_position)
      )`);
    await runner.query(
      `ALTER SEQUENCE es_events_global_position_seq OWNED BY es_events.global_position`,
    );
    await runner.query(
      `CREATE INDEX es_events_tx_position_idx ON es_events (transaction_id, global_position)`,
    );
    // A subscriber's checkpoint; updated in the same transaction as its read-model writes.
    await runner.query(`
      CREATE TABLE es_checkpoints (
        subscription_id text PRIMARY KEY,
        transaction_id  xid8 NOT NULL DEFAULT '0',
        global_position bigint NOT NULL DEFAULT 0,
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE es_checkpoints`);
    await runner.query(`DROP TABLE es_events`);
    await runner.query(`DROP TABLE es_streams`);
  }
}
