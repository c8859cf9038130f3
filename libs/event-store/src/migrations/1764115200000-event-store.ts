import { MigrationInterface, QueryRunner } from 'typeorm';

export class EventStore1764115200000 implements MigrationInterface {
  name = 'EventStore1764115200000';

  async up(runner: QueryRunner): Promise<void> {
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
    // Appending is one function call, so one statement and one round trip. The stream's
    // version is its highest event's; p_expected is that version, or -1 for "any", or
    // -2 for "the stream must exist". The first new event claims the next version with
    // ON CONFLICT DO NOTHING, so a concurrent writer at the same version waits for it
    // and then inserts nothing, and no version conflict aborts the caller's transaction. Once that
    // row is ours no other writer can insert the versions after it.
    await runner.query(`
      CREATE FUNCTION es_append(
        p_stream_id text, p_expected bigint, p_events jsonb, p_metadata jsonb, p_now timestamptz
      ) RETURNS TABLE (r_global_position bigint, r_transaction_id xid8, r_stream_version bigint)
      LANGUAGE plpgsql AS $fn$
      DECLARE
        v_current bigint;
        v_inserted int;
      BEGIN
        SELECT coalesce(max(e.stream_version), 0) INTO v_current
        FROM es_events e WHERE e.stream_id = p_stream_id;
        IF (p_expected >= 0 AND v_current <> p_expected) OR (p_expected = -2 AND v_current = 0) THEN
          RETURN;
        END IF;
        RETURN QUERY
          INSERT INTO es_events AS e (stream_id, stream_version, event_id, event_type, schema_version, data, metadata, recorded_at)
          SELECT p_stream_id, v_current + x.ord, x.id, x.type, x.schema_version, x.data, p_metadata, p_now
          FROM jsonb_to_recordset(p_events) AS x(ord int, id uuid, type text, schema_version int, data jsonb)
          WHERE x.ord = 1
          ON CONFLICT DO NOTHING
          RETURNING e.global_position, e.transaction_id, e.stream_version;
        GET DIAGNOSTICS v_inserted = ROW_COUNT;
        IF v_inserted = 0 OR jsonb_array_length(p_events) = 1 THEN RETURN; END IF;
        RETURN QUERY
          INSERT INTO es_events AS e (stream_id, stream_version, event_id, event_type, schema_version, data, metadata, recorded_at)
          SELECT p_stream_id, v_current + x.ord, x.id, x.type, x.schema_version, x.data, p_metadata, p_now
          FROM jsonb_to_recordset(p_events) AS x(ord int, id uuid, type text, schema_version int, data jsonb)
          WHERE x.ord > 1
          ORDER BY x.ord
          RETURNING e.global_position, e.transaction_id, e.stream_version;
      END
      $fn$`);
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
    await runner.query(`DROP FUNCTION es_append`);
    await runner.query(`DROP TABLE es_events`);
  }
}
