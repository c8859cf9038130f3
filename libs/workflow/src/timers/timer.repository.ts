import { Injectable } from '@nestjs/common';
import { preparedQuery, type TraceCarrier } from '@shiming/common';
import { DataSource, EntityManager } from 'typeorm';
import { RETRY_BASE_MS, RETRY_CAP_MS } from './timer-jobs';
import type {
  FireOutcome,
  Timer,
  TimerJobRef,
  TimerPayload,
  TimerRef,
  TimerStatus,
} from './timer.types';

interface TimerRow {
  timer_id: string;
  stream_id: string;
  kind: string;
  timer_key: string;
  generation: number;
  due_at: Date;
  payload: TimerPayload;
  status: TimerStatus;
  created_at: Date;
  enqueued_at: Date | null;
  fired_at: Date | null;
  cancelled_at: Date | null;
  attempts: number;
  last_attempt_at: Date | null;
  last_error: string | null;
  trace: TraceCarrier | null;
}

export interface NewTimerRow {
  timerId: string;
  streamId: string;
  kind: string;
  key: string;
  dueAt: Date;
  payload: TimerPayload;
  createdAt: Date;
  /** The arming span's trace context; null when not tracing. */
  trace: TraceCarrier | null;
}

/** A place in the (due_at, timer_id) order, to page through scheduled timers. */
export interface DueCursor {
  dueAt: Date;
  timerId: string;
}

const COLUMNS = `timer_id, stream_id, kind, timer_key, generation, due_at, payload, status,
  created_at, enqueued_at, fired_at, cancelled_at, attempts, last_attempt_at, last_error, trace`;

const MIN_UUID = '00000000-0000-0000-0000-000000000000';
const MAX_UUID = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

// No timer is due before 1970; the epoch keeps the cursor an ordinary timestamp.
export const START_OF_TIME: DueCursor = { dueAt: new Date(0), timerId: MIN_UUID };

/** A cursor after every timer due at or before `at`. */
export function afterAll(at: Date): DueCursor {
  return { dueAt: at, timerId: MAX_UUID };
}

// Held (per session) by the one process that sweeps timers: the reconciler, or a test
// clock firing in due order. An arbitrary constant next to the migration lock's.
const SWEEP_LOCK = 7_368_211_002;
// Taken shared by each claim of the PostgreSQL wake-up in the sandbox, and exclusively by
// a test clock while it fires in due order: an advance is not raced by the pollers.
const FIRING_LOCK = 7_368_211_003;

// When a failed timer may be fired again: `timerRetryDelayMs(attempts)` after its last
// attempt, in SQL.
const RETRY_AT = `(last_attempt_at + LEAST(
  interval '${RETRY_CAP_MS} milliseconds',
  interval '${RETRY_BASE_MS} milliseconds' * power(2, LEAST(GREATEST(attempts, 1) - 1, 30))))`;

/** All SQL on `wf_timers`. Methods that take a manager run in the caller's transaction. */
@Injectable()
export class TimerRepository {
  // Per firing batch (keyed by its transaction): timers whose handlers ran or are
  // running, and timers that handlers cancelled or re-armed.
  private readonly batches = new WeakMap<object, { settled: Set<string>; touched: Set<string> }>();

  constructor(private readonly dataSource: DataSource) {}

  /** Inserts a timer; null when its id or its (stream, kind, key) live slot is taken. */
  async insert(tx: EntityManager, timer: NewTimerRow): Promise<Timer | null> {
    // ON CONFLICT DO NOTHING keeps the caller's transaction usable after a conflict.
    const rows: TimerRow[] = await preparedQuery(
      tx,
      `INSERT INTO wf_timers (timer_id, stream_id, kind, timer_key, due_at, payload, created_at, trace)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8::jsonb)
       ON CONFLICT DO NOTHING
       RETURNING ${COLUMNS}`,
      [
        timer.timerId,
        timer.streamId,
        timer.kind,
        timer.key,
        timer.dueAt,
        JSON.stringify(timer.payload),
        timer.createdAt,
        timer.trace === null ? null : JSON.stringify(timer.trace),
      ],
    );
    return rows.length ? toTimer(rows[0]) : null;
  }

  async findById(manager: EntityManager | null, timerId: string): Promise<Timer | null> {
    const rows: TimerRow[] = await (manager ?? this.dataSource.manager).query(
      `SELECT ${COLUMNS} FROM wf_timers WHERE timer_id = $1`,
      [timerId],
    );
    return rows.length ? toTimer(rows[0]) : null;
  }

  /**
   * Arms a timer again with a new generation and due time, whatever its status. Refuses
   * (returns nothing) when that would make a second live timer in its slot.
   */
  async rearm(
    tx: EntityManager,
    ref: TimerRef,
    dueAt: Date,
    payload: TimerPayload | undefined,
    trace: TraceCarrier | null,
  ): Promise<Timer[]> {
    const [where, params] = refCondition(ref, 4, 'rearm');
    // By id any arming may be re-armed; by kind only the live one in its slot.
    const [live, liveParams] =
      'timerId' in ref ? ['TRUE', []] : this.liveCondition(tx, 4 + params.length);
    const rows: TimerRow[] = await tx.query(
      `WITH rearmed AS (
         UPDATE wf_timers t
         SET generation = generation + 1, due_at = $1, payload = COALESCE($2::jsonb, payload),
             status = 'scheduled', enqueued_at = NULL, fired_at = NULL, cancelled_at = NULL,
             attempts = 0, last_attempt_at = NULL, last_error = NULL, trace = $3::jsonb
         WHERE ${where} AND ${live}
           AND NOT EXISTS (
             SELECT 1 FROM wf_timers live
             WHERE live.stream_id = t.stream_id AND live.kind = t.kind
               AND live.timer_key = t.timer_key AND live.status = 'scheduled'
               AND live.timer_id <> t.timer_id)
         RETURNING ${COLUMNS})
       SELECT * FROM rearmed`,
      [
        dueAt,
        payload === undefined ? null : JSON.stringify(payload),
        trace === null ? null : JSON.stringify(trace),
        ...params,
        ...liveParams,
      ],
    );
    this.noteTouched(tx, rows);
    return rows.map(toTimer);
  }

  async cancel(tx: EntityManager, ref: TimerRef, now: Date): Promise<Timer[]> {
    const [where, params] = refCondition(ref, 2, 'cancel');
    const [live, liveParams] = this.liveCondition(tx, 2 + params.length);
    // A timer being fired right now is skipped, not waited for: the firing holds its row
    // and will append to the stream this transaction has just appended to, so waiting
    // would deadlock. That firing then finds the process moved on and changes nothing.
    // A few shapes of text (by the kind of reference), each prepared once.
    const rows: TimerRow[] = await preparedQuery(
      tx,
      `WITH target AS (
         SELECT t.timer_id FROM wf_timers t
         WHERE ${where} AND ${live}
         FOR UPDATE SKIP LOCKED),
       cancelled AS (
         UPDATE wf_timers SET status = 'cancelled', cancelled_at = $1, fired_at = NULL
         WHERE timer_id IN (SELECT timer_id FROM target)
         RETURNING ${COLUMNS})
       SELECT * FROM cancelled`,
      [now, ...params, ...liveParams],
    );
    this.noteTouched(tx, rows);
    return rows.map(toTimer);
  }

  /**
   * Claims one arming of a timer for firing in `tx`: locks its row and marks it fired in
   * one statement, if it is still scheduled at that generation and due at `now`. A row
   * that another firing holds is skipped rather than waited for, so the answer is null
   * at once; `classify` then says why. Marked before the handler runs, so the handler
   * may start the kind's next timer in the same slot; a rollback undoes the mark.
   */
  async claimForFiring(
    tx: EntityManager,
    timerId: string,
    generation: number,
    now: Date,
  ): Promise<Timer | null> {
    const rows: TimerRow[] = await tx.query(
      // Wrapped in a SELECT: TypeORM answers a bare UPDATE with [rows, count].
      `WITH claimed AS (
         UPDATE wf_timers
         SET status = 'fired', fired_at = $3, attempts = attempts + 1, last_attempt_at = $3
         WHERE timer_id = (
           SELECT timer_id FROM wf_timers
           WHERE timer_id = $1 AND generation = $2 AND status = 'scheduled' AND due_at <= $3
           FOR UPDATE SKIP LOCKED)
         RETURNING ${COLUMNS})
       SELECT * FROM claimed`,
      [timerId, generation, now],
    );
    return rows.length ? toTimer(rows[0]) : null;
  }

  /**
   * Claims a batch of wake-ups: locks the armings that are still scheduled and due,
   * skipping rows another transaction holds, and marks them `firing` — a status only
   * this transaction ever sees, since `finishBatch` turns it into `fired` before commit.
   * Until its handler runs, a `firing` timer counts as scheduled for `cancel` and
   * `rearm` in this transaction, so a handler earlier in the batch that cancels or
   * re-arms a later one is obeyed (`wasTouched`). Ordered by stream, so that batches
   * running side by side touch streams in the same order.
   */
  async claimBatch(
    tx: EntityManager,
    armings: readonly { timerId: string; generation: number }[],
    now: Date,
  ): Promise<Timer[]> {
    this.batches.set(batchKey(tx), { settled: new Set(), touched: new Set() });
    const rows: TimerRow[] = await tx.query(
      `WITH claimable AS (
         SELECT t.timer_id FROM wf_timers t
         JOIN unnest($1::uuid[], $2::int[]) AS w(timer_id, generation) USING (timer_id, generation)
         WHERE t.status = 'scheduled' AND t.due_at <= $3
         FOR UPDATE OF t SKIP LOCKED),
       claimed AS (
         UPDATE wf_timers
         SET status = 'firing', fired_at = $3, attempts = attempts + 1, last_attempt_at = $3
         WHERE timer_id IN (SELECT timer_id FROM claimable)
         RETURNING ${COLUMNS})
       SELECT * FROM claimed ORDER BY stream_id, due_at, timer_id`,
      [armings.map((a) => a.timerId), armings.map((a) => a.generation), now],
    );
    return rows.map(toTimer);
  }

  /**
   * Claims the next due timers for firing, like `claimBatch` but without knowing them:
   * up to `limit` scheduled timers due at or before `until`, in due order, skipping rows
   * another transaction holds (so that pollers side by side take disjoint batches) and
   * failed timers whose back-off has not passed by `until`. `gated` (the sandbox) first
   * tries the shared firing lock; null when a test clock holds it.
   */
  async claimDue(
    tx: EntityManager,
    until: Date,
    limit: number,
    now: Date,
    gated: boolean,
  ): Promise<Timer[] | null> {
    if (gated) {
      const [{ open }]: { open: boolean }[] = await tx.query(
        'SELECT pg_try_advisory_xact_lock_shared($1) AS open',
        [FIRING_LOCK],
      );
      if (!open) return null;
    }
    this.batches.set(batchKey(tx), { settled: new Set(), touched: new Set() });
    const rows: TimerRow[] = await tx.query(
      `WITH claimable AS (
         SELECT timer_id FROM wf_timers
         WHERE status = 'scheduled' AND due_at <= $1
           AND (last_error IS NULL OR ${RETRY_AT} <= $1)
         ORDER BY due_at, timer_id
         LIMIT $2
         FOR UPDATE SKIP LOCKED),
       claimed AS (
         UPDATE wf_timers
         SET status = 'firing', fired_at = $3, attempts = attempts + 1, last_attempt_at = $3
         WHERE timer_id IN (SELECT timer_id FROM claimable)
         RETURNING ${COLUMNS})
       SELECT * FROM claimed ORDER BY stream_id, due_at, timer_id`,
      [until, limit, now],
    );
    return rows.map(toTimer);
  }

  /**
   * The earliest instant `claimDue` may find something: the first due time of a timer
   * that never failed, or the first retry of one that did. Null when none is scheduled.
   */
  async nextWakeAt(): Promise<Date | null> {
    const rows: { at: Date | null }[] = await this.dataSource.query(
      `SELECT LEAST(
         (SELECT due_at FROM wf_timers
          WHERE status = 'scheduled' AND last_error IS NULL
          ORDER BY due_at, timer_id LIMIT 1),
         (SELECT min(${RETRY_AT}) FROM wf_timers
          WHERE status = 'scheduled' AND last_error IS NOT NULL)) AS at`,
    );
    return rows[0]?.at ?? null;
  }

  /** From now on the timer counts as fired in this batch: its handler is about to run. */
  settle(tx: EntityManager, timerId: string): void {
    this.batches.get(batchKey(tx))?.settled.add(timerId);
  }

  /** Whether a handler earlier in this batch cancelled or re-armed the timer. */
  wasTouched(tx: EntityManager, timerId: string): boolean {
    return this.batches.get(batchKey(tx))?.touched.has(timerId) ?? false;
  }

  /** Marks the batch's timers whose handlers ran as fired. */
  async finishBatch(tx: EntityManager, timerIds: readonly string[]): Promise<void> {
    this.batches.delete(batchKey(tx));
    if (timerIds.length === 0) return;
    await tx.query(
      `UPDATE wf_timers SET status = 'fired' WHERE timer_id = ANY($1::uuid[]) AND status = 'firing'`,
      [timerIds],
    );
  }

  // Timers that a handler in a batch may still cancel or re-arm: `firing` but not settled.
  private liveCondition(tx: EntityManager, param: number): [string, unknown[]] {
    const settled = [...(this.batches.get(batchKey(tx))?.settled ?? [])];
    return [
      `(t.status = 'scheduled' OR (t.status = 'firing' AND NOT t.timer_id = ANY($${param}::uuid[])))`,
      [settled],
    ];
  }

  private noteTouched(tx: EntityManager, timers: readonly { timer_id: string }[]): void {
    const batch = this.batches.get(batchKey(tx));
    for (const timer of timers) batch?.touched.add(timer.timer_id);
  }

  /** Why a claim found nothing to fire. */
  async classify(timerId: string, generation: number, now: Date): Promise<FireOutcome> {
    const rows: { generation: number; status: TimerStatus; due_at: Date }[] =
      await this.dataSource.query(
        'SELECT generation, status, due_at FROM wf_timers WHERE timer_id = $1',
        [timerId],
      );
    if (rows.length === 0) return { outcome: 'skipped', reason: 'unknown' };
    const [row] = rows;
    if (row.generation !== generation) return { outcome: 'skipped', reason: 'superseded' };
    if (row.status !== 'scheduled') return { outcome: 'skipped', reason: row.status };
    if (row.due_at.getTime() > now.getTime()) return { outcome: 'not_due', dueAt: row.due_at };
    // Scheduled and due, yet not claimable: another firing holds it right now.
    return { outcome: 'busy' };
  }

  /** Records a failed firing in its own transaction, after the firing's rolled back. */
  async recordFailure(
    timerId: string,
    generation: number,
    message: string,
    now: Date,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE wf_timers
       SET attempts = attempts + 1, last_attempt_at = $3, last_error = $4
       WHERE timer_id = $1 AND generation = $2 AND status = 'scheduled'`,
      [timerId, generation, now, message.slice(0, 4000)],
    );
  }

  /** Notes the first time each timer was put on the queue. */
  async markEnqueued(timers: readonly TimerJobRef[], now: Date): Promise<void> {
    if (timers.length === 0) return;
    // SKIP LOCKED: a timer being fired right now needs no note, and waiting on its row
    // while holding others could deadlock with a handler that touches them.
    await this.dataSource.query(
      `UPDATE wf_timers SET enqueued_at = $1
       WHERE timer_id IN (
         SELECT t.timer_id FROM wf_timers t
         JOIN unnest($2::uuid[], $3::int[]) AS j(timer_id, generation)
           ON j.timer_id = t.timer_id AND j.generation = t.generation
         WHERE t.enqueued_at IS NULL AND t.status = 'scheduled'
         FOR UPDATE OF t SKIP LOCKED)`,
      [now, timers.map((t) => t.timerId), timers.map((t) => t.generation)],
    );
  }

  /**
   * Scheduled timers after `after` and due at or before `until`, in due order; only
   * those never put on the queue when `unenqueuedOnly`.
   */
  async scheduledDue(
    until: Date,
    after: DueCursor,
    limit: number,
    unenqueuedOnly = false,
  ): Promise<Timer[]> {
    const rows: TimerRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM wf_timers
       WHERE status = 'scheduled' AND due_at <= $1 AND (due_at, timer_id) > ($2, $3::uuid)
         AND (NOT $5::boolean OR enqueued_at IS NULL)
       ORDER BY due_at, timer_id
       LIMIT $4`,
      [until, after.dueAt, after.timerId, limit, unenqueuedOnly],
    );
    return rows.map(toTimer);
  }

  /** The first scheduled timer due at or before `until`, in due order, leaving out `skip`. */
  async nextDue(until: Date, skip: readonly string[]): Promise<Timer | null> {
    const rows: TimerRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM wf_timers
       WHERE status = 'scheduled' AND due_at <= $1 AND timer_id <> ALL($2::uuid[])
       ORDER BY due_at, timer_id
       LIMIT 1`,
      [until, skip],
    );
    return rows.length ? toTimer(rows[0]) : null;
  }

  async scheduledKinds(): Promise<string[]> {
    const rows: { kind: string }[] = await this.dataSource.query(
      `SELECT DISTINCT kind FROM wf_timers WHERE status = 'scheduled' ORDER BY kind`,
    );
    return rows.map((r) => r.kind);
  }

  async countScheduledDueBefore(cutoff: Date): Promise<number> {
    const rows: { count: string }[] = await this.dataSource.query(
      `SELECT count(*) AS count FROM wf_timers WHERE status = 'scheduled' AND due_at <= $1`,
      [cutoff],
    );
    return Number(rows[0].count);
  }

  /**
   * Runs `work` holding the sweep lock on a session of its own. With `wait: false` it gives
   * up at once when another process holds it. A crashed holder's lock goes with its session.
   */
  async withSweepLock<T>(
    wait: boolean,
    work: () => Promise<T>,
  ): Promise<{ acquired: true; result: T } | { acquired: false }> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    let broken: unknown;
    try {
      if (wait) {
        // As long as the other sweep takes, not the service's lock_timeout. Waiting is
        // the test clock's way: it also keeps the pollers from firing meanwhile.
        await runner.query('SET lock_timeout = 0');
        await runner.query('SELECT pg_advisory_lock($1), pg_advisory_lock($2)', [
          SWEEP_LOCK,
          FIRING_LOCK,
        ]);
        await runner.query('RESET lock_timeout');
      } else {
        const [{ locked }]: { locked: boolean }[] = await runner.query(
          'SELECT pg_try_advisory_lock($1) AS locked',
          [SWEEP_LOCK],
        );
        if (!locked) return { acquired: false };
      }
      try {
        return { acquired: true, result: await work() };
      } finally {
        const unlock = wait
          ? runner.query('SELECT pg_advisory_unlock($1), pg_advisory_unlock($2)', [
              SWEEP_LOCK,
              FIRING_LOCK,
            ])
          : runner.query('SELECT pg_advisory_unlock($1)', [SWEEP_LOCK]);
        await unlock.catch((error: unknown) => {
          broken = error;
        });
      }
    } finally {
      // A session whose unlock failed must not go back to the pool still holding the lock:
      // released with an error, pg-pool closes it (and the server frees the lock).
      const postgres = runner as unknown as {
        releasePostgresConnection?(error?: Error): Promise<void>;
      };
      if (broken instanceof Error && postgres.releasePostgresConnection) {
        await postgres.releasePostgresConnection(broken);
      } else {
        await runner.release();
      }
    }
  }
}

function refCondition(
  ref: TimerRef,
  firstParam: number,
  use: 'rearm' | 'cancel',
): [string, unknown[]] {
  if ('timerId' in ref) return [`t.timer_id = $${firstParam}`, [ref.timerId]];
  const [stream, kind, key] = [firstParam, firstParam + 1, firstParam + 2];
  // Cancelling by kind without a key ends every live timer of that kind on the stream;
  // re-arming by kind addresses the one in the default slot.
  if (ref.key === undefined && use === 'cancel') {
    return [`t.stream_id = $${stream} AND t.kind = $${kind}`, [ref.streamId, ref.kind]];
  }
  return [
    `t.stream_id = $${stream} AND t.kind = $${kind} AND t.timer_key = $${key}`,
    [ref.streamId, ref.kind, ref.key ?? ''],
  ];
}

// The transaction a batch runs in, whichever manager object a handler passes on.
function batchKey(tx: EntityManager): object {
  return tx.queryRunner ?? tx;
}

function toTimer(row: TimerRow): Timer {
  return {
    timerId: row.timer_id,
    streamId: row.stream_id,
    kind: row.kind,
    key: row.timer_key,
    generation: row.generation,
    dueAt: row.due_at,
    payload: row.payload,
    status: row.status,
    createdAt: row.created_at,
    enqueuedAt: row.enqueued_at,
    firedAt: row.fired_at,
    cancelledAt: row.cancelled_at,
    attempts: row.attempts,
    lastAttemptAt: row.last_attempt_at,
    lastError: row.last_error,
    trace: row.trace,
  };
}
