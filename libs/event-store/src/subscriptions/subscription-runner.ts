import { Logger, LoggerService } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { inSpan, linksTo } from '@shiming/common';
import { comparePositions, EventStore } from '../event-store';
import { SubscriberNotReadyError } from '../event-store.errors';
import type { LogPosition } from '../event-store.types';
import { advanceCheckpoint, readCheckpoint, recordFailure } from './checkpoints';
import type { Projection } from './projection';
import { tryLockSubscription } from './subscription-lock';

export interface SubscriptionOptions {
  /** Most events scanned in one batch, which is one transaction. */
  batchSize: number;
  /** Pause between polls once caught up, cut short when this process appends. */
  idlePollMs: number;
  /** Pause after a failed batch; doubles with each further failure. */
  retryDelayMs?: number;
  /** Longest pause between retries of a failing batch. */
  maxRetryDelayMs?: number;
  logger?: LoggerService;
}

export type BatchResult =
  /** Another transaction holds this subscription; nothing was done. */
  | { status: 'busy' }
  /** Nothing readable after the checkpoint. */
  | { status: 'idle'; checkpoint: LogPosition }
  | { status: 'processed'; checkpoint: LogPosition; scanned: number; applied: number };

export interface CatchUpOptions {
  /** Also wait until the checkpoint has passed this position (e.g. an append's). */
  until?: LogPosition;
  /** Fails when not caught up by then. */
  timeoutMs?: number;
}

const DEFAULT_RETRY_DELAY_MS = 200;
const DEFAULT_MAX_RETRY_DELAY_MS = 30_000;
// Re-polls while a local append is committed but still behind the read horizon
// (an older transaction elsewhere is still running): short at first, then idle pace.
const FIRST_CHASE_DELAY_MS = 5;

/**
 * Runs one projection: reads the log after its checkpoint in batches, each applied
 * and checkpointed in one transaction. Several processes may run the same
 * projection; an advisory lock lets one of them work at a time.
 */
export class SubscriptionRunner {
  readonly name: string;
  private readonly logger: LoggerService;
  private loop?: Promise<void>;
  private stopping = false;
  private unsubscribe?: () => void;
  private wake?: () => void;
  private wakeOnAppend = false;
  // The newest position this process appended that the checkpoint has not yet passed.
  private chasing: LogPosition | null = null;
  private chaseDelayMs = FIRST_CHASE_DELAY_MS;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    readonly projection: Projection,
    private readonly options: SubscriptionOptions,
  ) {
    if (!projection.name) throw new Error('A projection needs a name');
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
      throw new Error(`Projection ${projection.name}: batchSize must be a positive integer`);
    }
    this.name = projection.name;
    this.logger = options.logger ?? new Logger(SubscriptionRunner.name);
  }

  get running(): boolean {
    return this.loop !== undefined;
  }

  /** Starts polling in the background; `stop` ends it. */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.unsubscribe = this.store.onAppended((position) => this.appended(position));
    this.loop = this.run();
  }

  /** Stops polling, after the batch in flight (if any) commits or rolls back. */
  async stop(): Promise<void> {
    if (!this.loop) return;
    this.stopping = true;
    this.unsubscribe?.();
    this.wake?.();
    await this.loop;
    this.loop = undefined;
  }

  /**
   * Processes batches until nothing readable is left (and the checkpoint has passed
   * `until`, if given). For tests and tools; a started runner does this by itself.
   * Throws the error of a failed batch, or when the deadline passes.
   */
  async catchUp(options: CatchUpOptions = {}): Promise<LogPosition> {
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    let delayMs = FIRST_CHASE_DELAY_MS;
    for (;;) {
      const result = await this.processBatch();
      if (result.status === 'processed') continue;
      if (
        result.status === 'idle' &&
        (!options.until || comparePositions(result.checkpoint, options.until) >= 0)
      ) {
        return result.checkpoint;
      }
      if (Date.now() >= deadline) {
        throw new Error(`Projection ${this.name} did not catch up within the deadline`);
      }
      await delay(delayMs);
      delayMs = Math.min(delayMs * 2, 100);
    }
  }

  /**
   * One batch in one transaction. A failure rolls the batch back, is recorded on the
   * checkpoint row and logged, and is rethrown.
   */
  async processBatch(): Promise<BatchResult> {
    try {
      return await this.dataSource.transaction((tx) => this.batch(tx));
    } catch (error) {
      // Waiting on another process's work: tried again later, not a failure.
      if (error instanceof SubscriberNotReadyError) return { status: 'busy' };
      const attempts = await recordFailure(this.dataSource.manager, this.name, error).catch(
        (recordError: unknown) => {
          this.logger.error(
            `Projection ${this.name}: could not record a failure: ${describe(recordError)}`,
          );
          return undefined;
        },
      );
      this.logger.error(
        `Projection ${this.name} failed a batch (attempt ${attempts ?? '?'}): ${describe(error)}`,
        error instanceof Error ? error.stack : undefined,
      );
      throw error;
    }
  }

  private async batch(tx: EntityManager): Promise<BatchResult> {
    if (!(await tryLockSubscription(tx, this.name))) return { status: 'busy' };
    // Why reading below pg_snapshot_xmin stays gap-free inside this transaction: the
    // lock and the checkpoint read are reads, so no transaction id is assigned before
    // `readAllPage` and its horizon is that of the other transactions. Writes in
    // `apply` assign our id later, above that horizon, so what we append sorts after
    // the new checkpoint and a later batch reads it. If the transaction had an id
    // before reading, PostgreSQL counts it in the horizon (xmin <= our id): our own
    // uncommitted rows stay out and everything returned is still finished; only every
    // subscriber in the cluster would lag while we hold it. Hence no FOR UPDATE here;
    // the advisory lock and the compare-and-set on the checkpoint serialise instead.
    const from = await readCheckpoint(tx, this.name);
    const page = await this.store.readAllPage(from, this.options.batchSize, {
      manager: tx,
      eventTypes: this.projection.eventTypes,
    });
    if (!page.lastScanned) return { status: 'idle', checkpoint: from };
    if (page.events.length > 0) {
      const events = page.events;
      // A span of its own, linked to the spans that appended the events: a batch has
      // many causes, and it runs long after them, in another process perhaps.
      await inSpan(
        `subscription ${this.name}`,
        () => ({
          attributes: { 'shiming.subscription': this.name, 'shiming.events': events.length },
          links: linksTo(events.map((event) => event.metadata)),
        }),
        () => this.projection.apply(events, tx),
      );
    }
    await advanceCheckpoint(tx, this.name, from, page.lastScanned, this.projection.eventTypes);
    return {
      status: 'processed',
      checkpoint: page.lastScanned,
      scanned: page.scanned,
      applied: page.events.length,
    };
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      let result: BatchResult;
      try {
        result = await this.processBatch();
        failures = 0;
      } catch {
        failures++;
        // Appends do not cut a back-off short: that would turn it into a hot loop.
        await this.pause(this.retryDelay(failures), false);
        continue;
      }
      if (result.status === 'processed' && result.scanned >= this.options.batchSize) continue;
      if (result.status === 'busy') {
        await this.pause(this.options.idlePollMs, true);
        continue;
      }
      if (this.chasing && comparePositions(result.checkpoint, this.chasing) >= 0) {
        this.chasing = null;
      }
      if (this.chasing) {
        const wait = this.chaseDelayMs;
        this.chaseDelayMs = Math.min(wait * 2, this.options.idlePollMs);
        await this.pause(wait, true);
      } else {
        await this.pause(this.options.idlePollMs, true);
      }
    }
  }

  private appended(position: LogPosition): void {
    if (!this.chasing || comparePositions(this.chasing, position) < 0) this.chasing = position;
    this.chaseDelayMs = FIRST_CHASE_DELAY_MS;
    if (this.wakeOnAppend) this.wake?.();
  }

  private pause(ms: number, wakeOnAppend: boolean): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        this.wakeOnAppend = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
      this.wakeOnAppend = wakeOnAppend;
    });
  }

  private retryDelay(failures: number): number {
    const first = this.options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
    const max = this.options.maxRetryDelayMs ?? DEFAULT_MAX_RETRY_DELAY_MS;
    return Math.min(first * 2 ** Math.min(failures - 1, 30), max);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
