import { AfterCommit, currentTraceContext, inSpan, preparedQuery } from '@shiming/common';
import { DataSource, EntityManager } from 'typeorm';
import { DuplicateEventIdError, WrongExpectedVersionError } from './event-store.errors';
import type {
  AppendResult,
  EventMetadata,
  ExpectedVersion,
  LogPosition,
  NewEvent,
  RecordedEvent,
  StreamAppend,
} from './event-store.types';
import { EventTypeRegistry } from './event-type-registry';

export interface AppendOptions {
  metadata: EventMetadata;
  /** Append inside the caller's transaction, so other rows commit (or not) with the events. */
  transaction?: EntityManager;
  /**
   * A write that goes with the events (a read model's row), made only if the append
   * writes them: not for a refused append nor for a repeat of one already stored.
   */
  alongside?: AlongsideWrite;
}

/**
 * A data-modifying statement (`INSERT … SELECT …`, `UPDATE … WHERE …`) written with the
 * given placeholders for its parameters, whose rows must be conditioned on
 * `EXISTS (SELECT 1 FROM ${appended})`. It travels in the append's statement (one round
 * trip for both), where `appended` names the rows the append wrote; a caller that makes
 * it on its own passes a table of one row.
 */
export interface AlongsideWrite {
  sql(param: (index: number) => string, appended: string): string;
  /** Values of the placeholders, `param(1)` first. */
  params: unknown[];
}

export interface StoreClock {
  now(): Date;
}

/** Called once events appended in this process are committed, with the last one's position. */
export type AppendedListener = (position: LogPosition) => void;

export interface ReadAllOptions {
  /** Read inside this transaction (a subscriber's batch). */
  manager?: EntityManager;
  /** Return only events of these types; the others are still scanned and counted. */
  eventTypes?: readonly string[];
}

/** One bounded step through the global log. */
export interface ReadAllPage {
  /** The scanned events that pass the type filter, in reading order. */
  events: RecordedEvent[];
  /** The last scanned event's position, matching the filter or not; resume after it. */
  lastScanned: LogPosition | null;
  /** How many events were scanned; below the limit, nothing more was readable. */
  scanned: number;
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

/** Where a page's scan ended; repeated on each returned row. */
interface PageRow {
  last_tx: string;
  last_gp: string;
  scanned: string;
}

interface AppendedRow {
  r_global_position: string;
  r_transaction_id: string;
  r_stream_version: string;
}

// es_append's codes for the expected versions that are not a number.
const ANY_VERSION = -1;
const STREAM_EXISTS = -2;

// How often an `any` / `stream_exists` append is tried again after losing a race.
const UNCHECKED_APPEND_ATTEMPTS = 10;

export class EventStore {
  private readonly appendedListeners = new Set<AppendedListener>();
  // Appends made inside a caller's transaction, announced only when it commits: the
  // furthest position appended in it.
  private readonly announcer: AfterCommit<LogPosition>;

  constructor(
    private readonly dataSource: DataSource,
    readonly registry: EventTypeRegistry,
    private readonly clock: StoreClock,
  ) {
    this.announcer = new AfterCommit(
      dataSource,
      (position) => this.announce(position),
      (held, next) => (comparePositions(held, next) < 0 ? next : held),
    );
  }

  /**
   * Calls `listener` after each append made through this store commits, so that
   * subscribers in this process can poll at once instead of waiting for their next
   * tick. Only a hint: appends of other processes are found by polling. Not
   * LISTEN/NOTIFY, whose commit-time queue lock would serialise all writers.
   * Returns a function that removes the listener.
   */
  onAppended(listener: AppendedListener): () => void {
    this.appendedListeners.add(listener);
    return () => this.appendedListeners.delete(listener);
  }

  /**
   * Appends events to a stream if it is at the expected version: one call of the
   * `es_append` function (see the migration), which inserts all events or none and
   * does not abort the caller's transaction on a version conflict (an event id reused
   * after the first event does: DuplicateEventIdError). Appending event ids that are
   * all already in this stream is a no-op that returns the original positions (a
   * retried command).
   */
  async append(
    streamId: string,
    expected: ExpectedVersion,
    events: NewEvent[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    return inSpan(
      `append ${streamCategory(streamId)}`,
      () => ({
        attributes: {
          'shiming.stream_id': streamId,
          'shiming.event_types': events.map((event) => event.type),
        },
      }),
      () => this.appendTraced(streamId, expected, events, options),
    );
  }

  private async appendTraced(
    streamId: string,
    expected: ExpectedVersion,
    events: NewEvent[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    const manager = options.transaction;
    if (expected === 'any' || expected === 'stream_exists') {
      // Checked by es_append itself; only a concurrent writer taking the same next
      // version makes it insert nothing, and then the append is simply tried again.
      const code = expected === 'any' ? ANY_VERSION : STREAM_EXISTS;
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.appendAt(
            manager,
            streamId,
            code,
            events,
            options.metadata,
            options.alongside,
          );
        } catch (error) {
          const lostRace =
            error instanceof WrongExpectedVersionError &&
            !(expected === 'stream_exists' && error.actual === null);
          if (!lostRace || attempt >= UNCHECKED_APPEND_ATTEMPTS) throw error;
        }
      }
    }
    const version = expected === 'no_stream' ? 0 : expected;
    if (!Number.isInteger(version) || version < 0) {
      throw new Error(`Invalid expected version ${String(expected)}`);
    }
    return this.appendAt(manager, streamId, version, events, options.metadata, options.alongside);
  }

  /**
   * Appends one event to each of several streams in one statement, each at its own
   * expected version, with the rules of `append`: what firing a batch of timers writes.
   * Each append succeeds or is refused on its own. A refused one (a version conflict, or
   * an event id already stored by a repeated command) comes back as null, to be settled
   * through `append`, which tells the two apart. No stream may appear twice.
   */
  async appendEach(
    appends: readonly StreamAppend[],
    options: { transaction?: EntityManager } = {},
  ): Promise<(AppendResult | null)[]> {
    if (appends.length === 0) return [];
    return inSpan(
      'append many',
      () => ({
        attributes: {
          'shiming.streams': appends.length,
          'shiming.event_types': [...new Set(appends.map((a) => a.event.type))],
        },
      }),
      () => this.appendEachTraced(appends, options),
    );
  }

  private async appendEachTraced(
    appends: readonly StreamAppend[],
    options: { transaction?: EntityManager },
  ): Promise<(AppendResult | null)[]> {
    if (new Set(appends.map((a) => a.streamId)).size < appends.length) {
      throw new Error('appendEach takes each stream at most once');
    }
    const invalid = appends.find(
      (a) => !Number.isInteger(a.expectedVersion) || a.expectedVersion < 0,
    );
    if (invalid) throw new Error(`Invalid expected version ${String(invalid.expectedVersion)}`);
    const now = this.clock.now();
    const traced = currentTraceContext();
    const rows = await this.query<AppendedRow & { r_stream_id: string }>(
      options.transaction,
      APPEND_EACH,
      [
        appends.map((a) => a.streamId),
        appends.map((a) => a.expectedVersion),
        appends.map((a) => a.event.id),
        appends.map((a) => a.event.type),
        appends.map((a) => this.registry.schemaVersionOf(a.event.type)),
        appends.map((a) => JSON.stringify(a.event.data)),
        appends.map((a) =>
          JSON.stringify({
            ...a.metadata,
            ...traced,
            timestamp: a.metadata.timestamp ?? now.toISOString(),
          }),
        ),
        now,
      ],
    );
    // By stream: each appears once, where an event id could be given twice.
    const byStream = new Map(rows.map((row) => [row.r_stream_id, row]));
    const results = appends.map((a) => {
      const row = byStream.get(a.streamId);
      return row ? appendResult(a.streamId, [row]) : null;
    });
    const last = results.reduce<LogPosition | null>(
      (max, r) => (r && (!max || comparePositions(r.position, max) > 0) ? r.position : max),
      null,
    );
    if (last) this.announceWhenCommitted(options.transaction, last);
    return results;
  }

  private async appendAt(
    manager: EntityManager | undefined,
    streamId: string,
    /** A version, or ANY_VERSION / STREAM_EXISTS. */
    expected: number,
    events: NewEvent[],
    metadata: EventMetadata,
    alongside?: AlongsideWrite,
  ): Promise<AppendResult> {
    const now = this.clock.now();
    // The append's span, for whatever handles these events later to link to.
    const stamped: EventMetadata = {
      ...metadata,
      ...currentTraceContext(),
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
    // One event at a known version (what a command appends most): a plain INSERT
    // guarded by the stream's version, without es_append's JSON unpacking and
    // PL/pgSQL call. Same rules: nothing is inserted (no error) on a version conflict
    // or a reused id, and the refusal is explained below.
    const single = payload.length === 1 && expected >= 0;
    const [sql, params] = single
      ? [
          APPEND_ONE,
          [
            streamId,
            expected,
            payload[0].id,
            payload[0].type,
            payload[0].schema_version,
            JSON.stringify(payload[0].data),
            JSON.stringify(stamped),
            now,
          ],
        ]
      : [ES_APPEND, [streamId, expected, JSON.stringify(payload), JSON.stringify(stamped), now]];
    const rows = await (
      alongside
        ? this.query<AppendedRow>(manager, withAlongside(alongside, sql, params.length), [
            ...params,
            ...alongside.params,
          ])
        : this.query<AppendedRow>(manager, sql, params)
    ).catch((error: { code?: string; constraint?: string }) => {
      // es_append only absorbs a clash on its first event; a later event's id that is
      // already stored (or being stored by a concurrent append) fails the statement.
      if (error.code === '23505' && error.constraint === 'es_events_event_id_uq') {
        throw new DuplicateEventIdError(ids);
      }
      throw error;
    });
    if (rows.length === 0) return this.explainRefusal(manager, streamId, expected, ids);
    const result = { ...appendResult(streamId, rows), metadata: stamped };
    this.announceWhenCommitted(manager, result.position);
    return result;
  }

  private announceWhenCommitted(manager: EntityManager | undefined, position: LogPosition): void {
    if (this.appendedListeners.size === 0) return;
    this.announcer.defer(manager, position);
  }

  private announce(position: LogPosition): void {
    for (const listener of this.appendedListeners) {
      try {
        listener(position);
      } catch {
        // A wake-up hint must never fail an append that is already committed.
      }
    }
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
    throw new WrongExpectedVersionError(streamId, describeExpected(expected), actual);
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

  /** The events of several streams (one statement), by stream id; a stream with none is left out. */
  async readStreams(
    streamIds: readonly string[],
    options: { transaction?: EntityManager } = {},
  ): Promise<Map<string, RecordedEvent[]>> {
    const streams = new Map<string, RecordedEvent[]>();
    if (streamIds.length === 0) return streams;
    const rows: EventRow[] = await this.query(
      options.transaction,
      `SELECT ${COLUMNS} FROM es_events
       WHERE stream_id = ANY($1::text[])
       ORDER BY stream_id, stream_version`,
      [[...new Set(streamIds)]],
    );
    for (const row of rows) {
      const events = streams.get(row.stream_id) ?? [];
      events.push(this.toRecorded(row));
      streams.set(row.stream_id, events);
    }
    return streams;
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
    return (await this.readAllPage(after, limit, { manager })).events;
  }

  /**
   * Like `readAll`, but scans at most `limit` events and returns those of the wanted
   * types together with the position of the last one scanned, so that a filtered
   * subscriber moves its checkpoint past events it does not want.
   *
   * The filter is applied to a bounded run of the (transaction_id, global_position)
   * index rather than inside the index walk: with `event_type` in the walk's WHERE,
   * a subscriber to a rare type would walk an unbounded run of other events on every
   * poll (its checkpoint only moving on matches), and no index on `event_type` yields
   * the global order across several types.
   */
  async readAllPage(
    after: LogPosition | null,
    limit: number,
    options: ReadAllOptions = {},
  ): Promise<ReadAllPage> {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`Invalid limit ${limit}`);
    const rows = await this.query<Partial<EventRow> & PageRow>(
      options.manager,
      `WITH scanned AS (
           SELECT ${COLUMNS} FROM es_events
           WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
             AND (transaction_id, global_position) > ($1::xid8, $2::bigint)
           ORDER BY transaction_id, global_position
           LIMIT $3
         ), last AS (
           SELECT transaction_id AS last_tx, global_position AS last_gp, count(*) OVER () AS scanned
           FROM scanned
           ORDER BY transaction_id DESC, global_position DESC
           LIMIT 1
         )
         SELECT s.*, last.last_tx, last.last_gp, last.scanned
         FROM last LEFT JOIN scanned s ON $4::text[] IS NULL OR s.event_type = ANY($4::text[])
         ORDER BY s.transaction_id, s.global_position`,
      [
        String(after?.transactionId ?? 0n),
        String(after?.globalPosition ?? 0n),
        limit,
        options.eventTypes ? [...options.eventTypes] : null,
      ],
    );
    if (rows.length === 0) return { events: [], lastScanned: null, scanned: 0 };
    return {
      events: rows
        .filter((row) => row.event_id != null)
        .map((row) => this.toRecorded(row as EventRow)),
      lastScanned: {
        transactionId: BigInt(rows[0].last_tx),
        globalPosition: BigInt(rows[0].last_gp),
      },
      scanned: Number(rows[0].scanned),
    };
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
  // Every statement here has a fixed text (an alongside write's text is fixed per read
  // model): each is prepared once per connection, in a transaction or on the pool.
  private query<T>(
    manager: EntityManager | undefined,
    sql: string,
    params: unknown[],
  ): Promise<T[]> {
    return preparedQuery<T>(manager ?? this.dataSource, sql, params);
  }

  private toRecorded(row: EventRow): RecordedEvent {
    return {
      eventId: row.event_id,
      streamId: row.stream_id,
      streamVersion: Number(row.stream_version),
      type: row.event_type,
      // An event written by a newer deployment (during a rolling upgrade) keeps its
      // own, higher version: it cannot be upcast, and must not pass for an older shape.
      schemaVersion: this.registry.has(row.event_type)
        ? Math.max(this.registry.schemaVersionOf(row.event_type), row.schema_version)
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

// es_append for one event at an expected version >= 0 (see the migration). The stream
// is at version $2 exactly when event $2 exists (or $2 is 0) and event $2 + 1 does not:
// the first is the guard, the second the primary key, whose clash ON CONFLICT absorbs.
const APPEND_ONE = `
  INSERT INTO es_events AS e
    (stream_id, stream_version, event_id, event_type, schema_version, data, metadata, recorded_at)
  SELECT $1, $2::bigint + 1, $3, $4, $5, $6::jsonb, $7::jsonb, $8
  WHERE $2::bigint = 0
     OR EXISTS (SELECT 1 FROM es_events c WHERE c.stream_id = $1 AND c.stream_version = $2)
  ON CONFLICT DO NOTHING
  RETURNING e.global_position AS r_global_position, e.transaction_id AS r_transaction_id,
            e.stream_version AS r_stream_version`;

const ES_APPEND = 'SELECT * FROM es_append($1, $2, $3, $4, $5)';

// An append with a write that goes with it, in one statement: data-modifying CTEs all
// run, each on the same snapshot; the write reads `appended` (evaluated once), so it
// writes nothing when the append inserted nothing.
function withAlongside(alongside: AlongsideWrite, append: string, taken: number): string {
  const write = alongside.sql((index) => `$${taken + index}`, 'appended');
  return `WITH appended AS (${append}), alongside AS (${write}) SELECT * FROM appended`;
}

// APPEND_ONE for many streams at once, one row per stream. Inserted in stream order, so
// that two such statements over the same streams wait for each other in the same order
// instead of deadlocking.
const APPEND_EACH = `
  INSERT INTO es_events AS e
    (stream_id, stream_version, event_id, event_type, schema_version, data, metadata, recorded_at)
  SELECT a.stream_id, a.expected + 1, a.event_id, a.event_type, a.schema_version,
         a.data::jsonb, a.metadata::jsonb, $8
  FROM unnest($1::text[], $2::bigint[], $3::uuid[], $4::text[], $5::int[], $6::text[], $7::text[])
       AS a(stream_id, expected, event_id, event_type, schema_version, data, metadata)
  WHERE a.expected = 0
     OR EXISTS (SELECT 1 FROM es_events c WHERE c.stream_id = a.stream_id AND c.stream_version = a.expected)
  ORDER BY a.stream_id
  ON CONFLICT DO NOTHING
  RETURNING e.global_position AS r_global_position, e.transaction_id AS r_transaction_id,
            e.stream_version AS r_stream_version, e.stream_id AS r_stream_id`;

const COLUMNS = `global_position, transaction_id, stream_id, stream_version, event_id, event_type,
  schema_version, data, metadata, recorded_at`;

/** What an append that wrote `rows` (one stream's, in version order) answers. */
function appendResult(streamId: string, rows: AppendedRow[]): AppendResult {
  const last = rows[rows.length - 1];
  return {
    streamId,
    nextExpectedVersion: Number(last.r_stream_version),
    globalPositions: rows.map((r) => BigInt(r.r_global_position)),
    position: {
      transactionId: BigInt(last.r_transaction_id),
      globalPosition: BigInt(last.r_global_position),
    },
    duplicate: false,
  };
}

function describeExpected(code: number): ExpectedVersion {
  if (code === ANY_VERSION) return 'any';
  if (code === STREAM_EXISTS) return 'stream_exists';
  return code === 0 ? 'no_stream' : code;
}

/** Compares two log positions in reading order. */
export function comparePositions(a: LogPosition, b: LogPosition): number {
  if (a.transactionId !== b.transactionId) return a.transactionId < b.transactionId ? -1 : 1;
  if (a.globalPosition !== b.globalPosition) return a.globalPosition < b.globalPosition ? -1 : 1;
  return 0;
}

/** `case` of `case-…`: a span's name, where the stream's id would be one name per stream. */
function streamCategory(streamId: string): string {
  const dash = streamId.indexOf('-');
  return dash > 0 ? streamId.slice(0, dash) : streamId;
}
