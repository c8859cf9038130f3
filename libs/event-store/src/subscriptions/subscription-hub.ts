import { Logger, LoggerService } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { inSpan, linksTo, preparedQuery } from '@shiming/common';
import { comparePositions, EventStore } from '../event-store';
import { CheckpointConflictError, SubscriberNotReadyError } from '../event-store.errors';
import type { LogPosition, RecordedEvent } from '../event-store.types';
import { LOG_START, moveCheckpoint, recordFailure } from './checkpoints';
import type { Projection } from './projection';
import { subscriptionLockKey } from './subscription-lock';

export interface SubscriptionHubOptions {
  /** Most events read from the log in one batch, which is one transaction. */
  batchSize: number;
  /** First pause between polls once caught up; it doubles while nothing happens. */
  idlePollMs: number;
  /** Longest pause between polls once caught up (wake-ups cut it short). */
  maxIdlePollMs: number;
  /**
   * Under load, the least time from the start of a batch that read events to the start
   * of the next: the appends of that time are read and checkpointed together, not one
   * batch (a transaction, a read and a checkpoint per subscription) each. After a quiet
   * spell the first append is read at once; a full batch (a backlog) is followed at once.
   */
  batchGapMs?: number;
  /** Pause before retrying a failed subscription; doubles with each further failure. */
  retryDelayMs: number;
  maxRetryDelayMs: number;
  /** A checkpoint with nothing handled is written at least after this many events… */
  lazyCheckpointEvents?: number;
  /** …or this long after it was last written. */
  lazyCheckpointMs?: number;
  logger?: LoggerService;
}

export interface HubCatchUpOptions {
  /** Also wait until every subscription has passed this position. */
  until?: LogPosition;
  timeoutMs?: number;
}

/** What one batch did. */
export interface HubBatchResult {
  /** Subscriptions whose lock another transaction held. */
  busy: number;
  /** Events read from the log (0: nothing readable after the slowest subscription). */
  scanned: number;
  /** Subscriptions that handled events. */
  applied: number;
  /** Subscriptions whose handling failed and was rolled back. */
  failed: number;
  /** The slowest subscription's position after the batch (null when all were busy). */
  position: LogPosition | null;
}

const DEFAULT_LAZY_CHECKPOINT_EVENTS = 1000;
const DEFAULT_LAZY_CHECKPOINT_MS = 5000;
// Re-polls while an append is committed but still behind the read horizon (an older
// transaction elsewhere is still running): short at first, then idle pace.
const FIRST_CHASE_DELAY_MS = 5;

interface Member {
  projection: Projection;
  lockKey: string;
  types: Set<string> | null;
  /**
   * Where the subscription has got to in this process, ahead of its stored checkpoint
   * by events it does not handle; valid while the stored one is still `base`.
   */
  memory: { base: LogPosition; position: LogPosition } | null;
  /** Events passed over since the checkpoint was last written. */
  skipped: number;
  failures: number;
  retryAt: number;
}

interface CheckpointRow {
  subscription_id: string;
  locked: boolean;
  transaction_id: string | null;
  global_position: string | null;
  event_types: string[] | null;
  age_ms: number | null;
}

/**
 * Feeds every subscription of this process from one reader of the log. A batch is
 * one transaction: it takes the lock of each subscription it can (so two processes
 * never run the same one at once), reads the log once from the slowest of them, and
 * applies each one's events in a savepoint together with its checkpoint (exactly-once
 * effect). A subscription that fails rolls back its savepoint only; it is retried
 * after a back-off while the others go on.
 *
 * A subscription declares the event types it handles; its checkpoint is written when
 * it handled some, or after a bound of events or time, not for every batch. Between
 * writes, this process remembers how far it has read past events of other types; a
 * restart reads them again and passes over them again.
 */
export class SubscriptionHub {
  private readonly logger: LoggerService;
  private readonly members: Member[];
  private loop?: Promise<void>;
  private stopping = false;
  private wake?: () => void;
  private idleDelayMs: number;
  // The newest position appended (here or, by notification, elsewhere) not yet read.
  private chasing: LogPosition | null = null;
  private chaseDelayMs = FIRST_CHASE_DELAY_MS;
  /** False while a wake-up from other processes' appends cannot be relied on. */
  private notificationsReliable = false;
  /** Whether the last batch held every subscription's lock: no other process runs any. */
  private holdsAll = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    projections: readonly Projection[],
    private readonly options: SubscriptionHubOptions,
  ) {
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
      throw new Error('batchSize must be a positive integer');
    }
    this.logger = options.logger ?? new Logger(SubscriptionHub.name);
    this.idleDelayMs = options.idlePollMs;
    // Those waiting on outside parties first: see `Projection.waitsOnOutsideParties`.
    const ordered = [
      ...projections.filter((p) => p.waitsOnOutsideParties),
      ...projections.filter((p) => !p.waitsOnOutsideParties),
    ];
    this.members = ordered.map((projection) => {
      if (!projection.name) throw new Error('A projection needs a name');
      return {
        projection,
        lockKey: subscriptionLockKey(projection.name),
        types: projection.eventTypes ? new Set(projection.eventTypes) : null,
        memory: null,
        skipped: 0,
        failures: 0,
        retryAt: 0,
      };
    });
  }

  get names(): string[] {
    return this.members.map((member) => member.projection.name);
  }

  get running(): boolean {
    return this.loop !== undefined;
  }

  /** Whether the last batch held every subscription: then no other process needs a hint. */
  get runsAll(): boolean {
    return this.holdsAll;
  }

  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run();
  }

  /** Stops after the batch in flight (if any) commits or rolls back. */
  async stop(): Promise<void> {
    if (!this.loop) return;
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
  }

  /**
   * Something was appended at `position` (here, or elsewhere as a notification
   * says): read at once, and keep re-reading briefly until it is readable.
   */
  appended(position: LogPosition | null): void {
    if (position && (!this.chasing || comparePositions(this.chasing, position) < 0)) {
      this.chasing = position;
    }
    this.chaseDelayMs = FIRST_CHASE_DELAY_MS;
    this.idleDelayMs = this.options.idlePollMs;
    this.wake?.();
  }

  /**
   * Whether other processes' appends wake this hub (a listening connection is up).
   * While they do not, it polls at the first idle pace instead of backing off.
   */
  setNotificationsReliable(reliable: boolean): void {
    this.notificationsReliable = reliable;
    if (!reliable) this.appended(null);
  }

  /** Runs batches until nothing is readable (and every subscription passed `until`). */
  async catchUp(options: HubCatchUpOptions = {}): Promise<void> {
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    let delayMs = FIRST_CHASE_DELAY_MS;
    for (;;) {
      const result = await this.processBatch();
      if (result.failed > 0) throw new Error('A subscription failed a batch');
      if (result.scanned > 0) continue;
      if (
        result.busy === 0 &&
        result.position &&
        (!options.until || comparePositions(result.position, options.until) >= 0)
      ) {
        return;
      }
      if (Date.now() >= deadline) throw new Error('The subscriptions did not catch up in time');
      await delay(delayMs);
      delayMs = Math.min(delayMs * 2, 100);
    }
  }

  /** One batch in one transaction for every subscription not waiting for a retry. */
  async processBatch(): Promise<HubBatchResult> {
    const now = Date.now();
    const due = this.members.filter((member) => member.retryAt <= now);
    if (due.length === 0) return { busy: 0, scanned: 0, applied: 0, failed: 0, position: null };
    try {
      return await this.dataSource.transaction((tx) => this.batch(tx, due));
    } catch (error) {
      // A failure outside any savepoint (the connection, the read): nothing committed.
      this.logger.error(`Subscriptions failed a batch: ${describe(error)}`);
      throw error;
    }
  }

  private async batch(tx: EntityManager, due: Member[]): Promise<HubBatchResult> {
    // Why reading below pg_snapshot_xmin stays gap-free in this transaction: taking
    // the locks and reading the checkpoints assign no transaction id, so `readAllPage`
    // sees the horizon of the other transactions; writes in `apply` assign ours later,
    // above that horizon, so what we append sorts after the new checkpoints and a later
    // batch reads it. The log is read once, before any write.
    const rows: CheckpointRow[] = await preparedQuery(
      tx,
      `SELECT s.name AS subscription_id, pg_try_advisory_xact_lock(s.key) AS locked,
              c.transaction_id::text, c.global_position::text, c.event_types,
              extract(epoch FROM now() - c.updated_at) * 1000 AS age_ms
       FROM unnest($1::text[], $2::bigint[]) WITH ORDINALITY AS s(name, key, ord)
       LEFT JOIN es_checkpoints c ON c.subscription_id = s.name
       ORDER BY s.ord`,
      [due.map((m) => m.projection.name), due.map((m) => m.lockKey)],
    );
    // The checkpoints were read in the snapshot of the statement that took the locks:
    // one moved by a batch that committed meanwhile is caught by the compare-and-set.
    const held: { member: Member; stored: LogPosition; from: LogPosition; row: CheckpointRow }[] =
      [];
    due.forEach((member, i) => {
      const row = rows[i];
      if (!row.locked) return;
      const stored =
        row.transaction_id === null
          ? LOG_START
          : {
              transactionId: BigInt(row.transaction_id),
              globalPosition: BigInt(row.global_position!),
            };
      if (member.memory && comparePositions(member.memory.base, stored) !== 0) {
        member.memory = null;
        member.skipped = 0;
      }
      held.push({ member, stored, from: member.memory?.position ?? stored, row });
    });
    const busy = due.length - held.length;
    // Those waiting for a retry are this process's too, until another takes their lock.
    this.holdsAll = busy === 0;
    if (held.length === 0) return { busy, scanned: 0, applied: 0, failed: 0, position: null };

    const from = held.reduce(
      (min, h) => (comparePositions(h.from, min) < 0 ? h.from : min),
      held[0].from,
    );
    const types = held.some((h) => h.member.types === null)
      ? undefined
      : [...new Set(held.flatMap((h) => [...h.member.types!]))];
    const page = await this.store.readAllPage(from, this.options.batchSize, {
      manager: tx,
      eventTypes: types,
    });

    let applied = 0;
    let failed = 0;
    let slowest: LogPosition | null = null;
    for (const [index, h] of held.entries()) {
      const { member, stored } = h;
      const to =
        page.lastScanned && comparePositions(page.lastScanned, h.from) > 0
          ? page.lastScanned
          : h.from;
      const events = page.events.filter(
        (event) =>
          comparePositions(event.position, h.from) > 0 &&
          (member.types === null || member.types.has(event.type)),
      );
      let reached = h.from;
      if (events.length > 0) {
        if (await this.applyInSavepoint(tx, index, member, events, stored, to)) {
          applied++;
          reached = to;
        } else {
          failed++;
        }
      } else if (this.mustWrite(member, h.row, stored, to, page.scanned)) {
        if (
          await moveCheckpoint(tx, member.projection.name, stored, to, member.projection.eventTypes)
        ) {
          member.memory = { base: to, position: to };
          member.skipped = 0;
        } else {
          member.memory = null;
        }
        reached = to;
      } else {
        member.memory = { base: stored, position: to };
        member.skipped += page.scanned;
        reached = to;
      }
      if (!slowest || comparePositions(reached, slowest) < 0) slowest = reached;
    }
    return { busy, scanned: page.scanned, applied, failed, position: slowest };
  }

  // A checkpoint with nothing handled is written when its row is missing or out of
  // date (others judge lag and progress by its event types), and once it is behind by
  // the bound of events or time.
  private mustWrite(
    member: Member,
    row: CheckpointRow,
    stored: LogPosition,
    to: LogPosition,
    scanned: number,
  ): boolean {
    if (row.transaction_id === null) return true;
    if (!sameTypes(row.event_types, member.projection.eventTypes)) return true;
    if (comparePositions(to, stored) <= 0) return false;
    const events = this.options.lazyCheckpointEvents ?? DEFAULT_LAZY_CHECKPOINT_EVENTS;
    const ms = this.options.lazyCheckpointMs ?? DEFAULT_LAZY_CHECKPOINT_MS;
    return member.skipped + scanned >= events || (row.age_ms ?? 0) >= ms;
  }

  private async applyInSavepoint(
    tx: EntityManager,
    index: number,
    member: Member,
    events: RecordedEvent[],
    stored: LogPosition,
    to: LogPosition,
  ): Promise<boolean> {
    const name = member.projection.name;
    const savepoint = `subscription_${index}`;
    await tx.query(`SAVEPOINT ${savepoint}`);
    try {
      // A span of its own, linked to the spans that appended the events: a batch has
      // many causes, and it runs long after them, in another process perhaps.
      await inSpan(
        `subscription ${name}`,
        () => ({
          attributes: { 'shiming.subscription': name, 'shiming.events': events.length },
          links: linksTo(events.map((event) => event.metadata)),
        }),
        () => member.projection.apply(events, tx),
      );
      if (!(await moveCheckpoint(tx, name, stored, to, member.projection.eventTypes))) {
        throw new CheckpointConflictError(name);
      }
      await tx.query(`RELEASE SAVEPOINT ${savepoint}`);
      member.memory = { base: to, position: to };
      member.skipped = 0;
      member.failures = 0;
      return true;
    } catch (error) {
      await tx.query(`ROLLBACK TO SAVEPOINT ${savepoint}`);
      member.memory = null;
      member.skipped = 0;
      // Another process moved the checkpoint: read again from there, no failure.
      if (error instanceof CheckpointConflictError) return false;
      if (error instanceof SubscriberNotReadyError) {
        member.retryAt = Date.now() + error.retryAfterMs;
        return false;
      }
      member.failures++;
      member.retryAt = Date.now() + this.retryDelay(member.failures);
      const attempts = await recordFailure(tx, name, error);
      this.logger.error(
        `Projection ${name} failed a batch (attempt ${attempts}): ${describe(error)}`,
        error instanceof Error ? error.stack : undefined,
      );
      return false;
    }
  }

  private async run(): Promise<void> {
    let failures = 0;
    // When the last batch that read events (but not a full batch) started.
    let gapFrom: number | null = null;
    while (!this.stopping) {
      let result: HubBatchResult;
      const gapMs = this.options.batchGapMs ?? 0;
      if (gapFrom !== null && gapMs > 0) {
        const left = gapFrom + gapMs - Date.now();
        // Appends meanwhile do not cut it short; only a stop does.
        if (left > 0) await this.pause(left, { wakeable: false });
        if (this.stopping) break;
      }
      const startedAt = Date.now();
      gapFrom = null;
      try {
        result = await this.processBatch();
        failures = 0;
      } catch {
        failures++;
        await this.pause(this.retryDelay(failures));
        continue;
      }
      if (result.scanned >= this.options.batchSize) continue;
      if (result.scanned > 0) gapFrom = startedAt;
      if (result.applied > 0 || result.scanned > 0) this.idleDelayMs = this.options.idlePollMs;
      if (this.chasing && result.position && comparePositions(result.position, this.chasing) >= 0) {
        this.chasing = null;
      }
      let wait: number;
      if (this.chasing) {
        wait = this.chaseDelayMs;
        this.chaseDelayMs = Math.min(wait * 2, this.options.idlePollMs);
      } else {
        wait = this.idleDelayMs;
        // Back off only while other processes' appends can wake us.
        if (this.notificationsReliable) {
          this.idleDelayMs = Math.min(this.idleDelayMs * 2, this.options.maxIdlePollMs);
        }
      }
      // A subscription waiting for its retry is due before the idle pause ends.
      const now = Date.now();
      const retryAt = Math.min(
        ...this.members.map((m) => (m.retryAt > now ? m.retryAt : Infinity)),
      );
      if (Number.isFinite(retryAt)) wait = Math.max(0, Math.min(wait, retryAt - now));
      await this.pause(wait);
    }
  }

  /** Waits `ms`; an append wakes it early unless `wakeable` is false (a stop always does). */
  private pause(ms: number, { wakeable = true } = {}): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = wakeable ? done : () => this.stopping && done();
    });
  }

  private retryDelay(failures: number): number {
    const { retryDelayMs, maxRetryDelayMs } = this.options;
    return Math.min(retryDelayMs * 2 ** Math.min(failures - 1, 30), maxRetryDelayMs);
  }
}

function sameTypes(stored: string[] | null, declared: readonly string[] | undefined): boolean {
  if (stored === null || declared === undefined) return stored === null && declared === undefined;
  return stored.length === declared.length && stored.every((type, i) => type === declared[i]);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
