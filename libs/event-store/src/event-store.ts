import { Pool } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { DuplicateEventIdError, WrongExpectedVersionError } from './event-store.errors';
import type {
  AppendResult,
  EventMetadata,
  ExpectedVersion,
  LogPosition,
  NewEvent,
  RecordedEvent,
} from './event-store.types';
import { EventTypeRegistry } from './event-type-registry';

export interface AppendOptions {
  metadata: EventMetadata;
  /** Append inside the caller's transaction, so other rows commit (or not) with the events. */
  transaction?: EntityManager;
}

export interface StoreClock {
  now(): Date;
}

interface EventRow {
  global_position: string;
  transaction_id: string;
  stream_id: string;
  stream_version: string;
  event_id: string;
  event_type: string;
  schema_version: number;
  data: Record<string, unknown>;
  metadata: EventMetadata;
  recorded_at: Date;
}

// How often an `any` / `stream_exists` append re-reads the version after losing a race.
const UNCHECKED_APPEND_ATTEMPTS = 10;

export class EventStore {
  constructor(
    private readonly dataSource: DataSource,
    readonly registry: EventTypeRegistry,
    private readonly clock: StoreClock,
  ) {}

  /**
   * Appends events to a stream if it is at the expected version: one call of the
   * `es_append` function (see the migration), which inserts all events or none and
   * never aborts the caller's transaction on a conflict. Appending event ids that are
   * all already in this stream is a no-op that returns the original positions (a
   * retried command).
   */
  async append(
    streamId: string,
    expected: ExpectedVersion,
    events: NewEvent[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    const manager = options.transaction;
    if (expected === 'any' || expected === 'stream_exists') {
      for (let attempt = 0; ; attempt++) {
        const current = await this.currentVersion(manager, streamId);
        if (current === null && expected === 'stream_exists') {
          throw new WrongExpectedVersionError(streamId, expected, null);
        }
        try {
          return await this.appendAt(manager, streamId, current ?? 0, events, options.metadata);
        } catch (error) {
          if (
            !(error instanceof WrongExpectedVersionError) ||
            attempt + 1 >= UNCHECKED_APPEND_ATTEMPTS
          ) {
            throw error;
          }
        }
      }
    }
    const version = expected === 'no_stream' ? 0 : expected;
    if (!Number.isInteger(version) || version < 0) {
      throw new Error(`Invalid expected version ${String(expected)}`);
    }
    return this.appendAt(manager, streamId, version, events, options.metadata);
  }

  private async appendAt(
    manager: EntityManager | undefined,
    streamId: string,
    expected: number,
    events: NewEvent[],
    metadata: EventMetadata,
  ): Promise<AppendResult> {
    const now = this.clock.now();
    const stamped: EventMetadata = {
      ...metadata,
      timestamp: metadata.timestamp ?? now.toISOString(),
    };
    const payload = events.map((event, index) => ({
      ord: index + 1,
      id: event.id,
      type: event.type,
      schema_version: this.registry.schemaVersionOf(event.type),
      data: event.data,
    }));
    const ids = events.map((e) => e.id);
    const rows: {
      r_global_position: string;
      r_transaction_id: string;
      r_stream_version: string;
    }[] = await this.query(manager, 'SELECT * FROM es_append($1, $2, $3, $4, $5)', [
      streamId,
      expected,
      JSON.stringify(payload),
      JSON.stringify(stamped),
      now,
    ]);
    if (rows.length === 0) return this.explainRefusal(manager, streamId, expected, ids);
    const last = rows[rows.length - 1];
    return {
      streamId,
      nextExpectedVersion: expected + events.length,
      globalPositions: rows.map((r) => BigInt(r.r_global_position)),
      position: {
        transactionId: BigInt(last.r_transaction_id),
        globalPosition: BigInt(last.r_global_position),
      },
      duplicate: false,
    };
  }

  // Runs only when the append wrote nothing: a retry of an append that already
  // happened, a reuse of event ids, or a version conflict.
  private async explainRefusal(
    manager: EntityManager | undefined,
    streamId: string,
    expected: number,
    ids: string[],
  ): Promise<AppendResult> {
    const found: EventRow[] = await this.query(
      manager,
      `SELECT event_id, stream_id, stream_version, global_position, transaction_id
       FROM es_events WHERE event_id = ANY($1::uuid[]) ORDER BY stream_version`,
      [ids],
    );
    if (found.length === ids.length && found.every((row) => row.stream_id === streamId)) {
      const last = found[found.length - 1];
      return {
        streamId,
        nextExpectedVersion: (await this.currentVersion(manager, streamId)) ?? 0,
        globalPositions: found.map((r) => BigInt(r.global_position)),
        position: {
          transactionId: BigInt(last.transaction_id),
          globalPosition: BigInt(last.global_position),
        },
        duplicate: true,
      };
    }
    if (found.length > 0) throw new DuplicateEventIdError(found.map((r) => r.event_id));
    const actual = await this.currentVersion(manager, streamId);
    throw new WrongExpectedVersionError(streamId, expected === 0 ? 'no_stream' : expected, actual);
  }

  /** The stream's current version, or null when it has no events. */
  async currentVersion(
    manager: EntityManager | undefined,
    streamId: string,
  ): Promise<number | null> {
    const rows: { version: string | null }[] = await this.query(
      manager,
      'SELECT max(stream_version) AS version FROM es_events WHERE stream_id = $1',
      [streamId],
    );
    return rows[0]?.version == null ? null : Number(rows[0].version);
  }

  /** Events of one stream from `fromVersion` (1-based, inclusive), upcast to their current shape. */
  async readStream(
    streamId: string,
    fromVersion = 1,
    options: { transaction?: EntityManager; limit?: number } = {},
  ): Promise<RecordedEvent[]> {
    const rows: EventRow[] = await this.query(
      options.transaction,
      `SELECT ${COLUMNS} FROM es_events
       WHERE stream_id = $1 AND stream_version >= $2
       ORDER BY stream_version
       LIMIT $3`,
      [streamId, fromVersion, options.limit ?? null],
    );
    return rows.map((row) => this.toRecorded(row));
  }

  /**
   * Events of all streams after `after`, in an order that never skips an event.
   *
   * A sequence value is taken when a row is inserted, not when its transaction
   * commits, so a reader that only compares global positions can pass over an event
   * whose transaction commits late. Rows carry the id of the transaction that wrote
   * them; we read only rows of transactions older than the oldest one still running
   * (`pg_snapshot_xmin`), which have all finished, and order by (transaction id,
   * global position). A row that is not visible yet belongs to a transaction at or
   * after that horizon, so it sorts after everything returned now. The horizon and
   * the rows come from one statement, hence one snapshot.
   */
  async readAll(
    after: LogPosition | null,
    limit: number,
    manager?: EntityManager,
  ): Promise<RecordedEvent[]> {
    const rows: EventRow[] = await this.query(
      manager,
      `SELECT ${COLUMNS} FROM es_events
       WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
         AND (transaction_id, global_position) > ($1::xid8, $2::bigint)
       ORDER BY transaction_id, global_position
       LIMIT $3`,
      [String(after?.transactionId ?? 0n), String(after?.globalPosition ?? 0n), limit],
    );
    return rows.map((row) => this.toRecorded(row));
  }

  /** The position of the newest event that a reader may see now (for catch-up checks). */
  async headPosition(manager?: EntityManager): Promise<LogPosition | null> {
    const rows: { transaction_id: string; global_position: string }[] = await this.query(
      manager,
      `SELECT transaction_id, global_position FROM es_events
       WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
       ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
      [],
    );
    return rows.length
      ? {
          transactionId: BigInt(rows[0].transaction_id),
          globalPosition: BigInt(rows[0].global_position),
        }
      : null;
  }

  // Outside a caller's transaction, statements go straight to the driver's pool: one
  // round trip without the ORM's query-runner bookkeeping on the append path.
  private async query<T>(
    manager: EntityManager | undefined,
    sql: string,
    params: unknown[],
  ): Promise<T[]> {
    if (manager && manager !== this.dataSource.manager) return manager.query(sql, params);
    const pool = (this.dataSource.driver as unknown as { master: Pool }).master;
    return (await pool.query(sql, params)).rows as T[];
  }

  private toRecorded(row: EventRow): RecordedEvent {
    return {
      eventId: row.event_id,
      streamId: row.stream_id,
      streamVersion: Number(row.stream_version),
      type: row.event_type,
      schemaVersion: this.registry.has(row.event_type)
        ? this.registry.schemaVersionOf(row.event_type)
        : row.schema_version,
      data: this.registry.upcast(row.event_type, row.schema_version, row.data),
      metadata: row.metadata,
      recordedAt: row.recorded_at,
      position: {
        transactionId: BigInt(row.transaction_id),
        globalPosition: BigInt(row.global_position),
      },
    };
  }
}

const COLUMNS = `global_position, transaction_id, stream_id, stream_version, event_id, event_type,
  schema_version, data, metadata, recorded_at`;

/** Compares two log positions in reading order. */
export function comparePositions(a: LogPosition, b: LogPosition): number {
  if (a.transactionId !== b.transactionId) return a.transactionId < b.transactionId ? -1 : 1;
  if (a.globalPosition !== b.globalPosition) return a.globalPosition < b.globalPosition ? -1 : 1;
  return 0;
}
