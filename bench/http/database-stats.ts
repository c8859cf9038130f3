import { Client } from 'pg';
import { percentiles, type Latencies } from '../support';

/**
 * PostgreSQL counts a backend's transactions in `pg_stat_database` when it flushes its
 * statistics: at most once a second while busy, and within 10 s once idle. A reading
 * taken this long after the work it should count has it all.
 */
export const STATS_SETTLE_MS = 11_000;

export interface DatabaseCounters {
  at: number;
  /** Committed plus rolled-back transactions in the database. */
  transactions: number;
  inserted: number;
  updated: number;
  deleted: number;
}

/** Reads the counters of one database from a connection to another, which they do not count. */
export class DatabaseStats {
  private constructor(
    private readonly admin: Client,
    private readonly database: string,
  ) {}

  static async open(adminUrl: string, database: string): Promise<DatabaseStats> {
    const admin = new Client({ connectionString: adminUrl, application_name: 'shiming-bench' });
    await admin.connect();
    return new DatabaseStats(admin, database);
  }

  async read(): Promise<DatabaseCounters> {
    const [row] = (
      await this.admin.query<{
        transactions: string;
        inserted: string;
        updated: string;
        deleted: string;
      }>(
        `SELECT xact_commit + xact_rollback AS transactions, tup_inserted AS inserted,
                tup_updated AS updated, tup_deleted AS deleted
         FROM pg_stat_database WHERE datname = $1`,
        [this.database],
      )
    ).rows;
    return {
      at: performance.now(),
      transactions: Number(row.transactions),
      inserted: Number(row.inserted),
      updated: Number(row.updated),
      deleted: Number(row.deleted),
    };
  }

  /**
   * Sessions of the database idle inside a transaction for more than `seconds`, by
   * application: a service waiting on itself (for a pooled connection, say) shows here.
   */
  async stuckTransactions(seconds: number): Promise<Record<string, number>> {
    const { rows } = await this.admin.query<{ application_name: string; count: string }>(
      `SELECT application_name, count(*) AS count FROM pg_stat_activity
       WHERE datname = $1 AND state = 'idle in transaction'
         AND xact_start < now() - make_interval(secs => $2)
       GROUP BY application_name`,
      [this.database, seconds],
    );
    return Object.fromEntries(rows.map((row) => [row.application_name, Number(row.count)]));
  }

  async close(): Promise<void> {
    await this.admin.end();
  }
}

export interface LagReport {
  /** Every subscription's samples together. */
  all: Latencies;
  /** Per subscription, by name, most lagging first. */
  bySubscription: [name: string, latency: Latencies][];
  samples: number;
  /** Statements the sampler ran in the measured database (one transaction each). */
  queries: number;
  /** Set when the checkpoints could not be read (the schema changed): no figures. */
  unavailable?: string;
}

/**
 * How far each subscription is behind the log, every `intervalMs` while the load runs:
 * the age of the oldest event past its checkpoint of the types it handles (0 when there
 * is none; a checkpoint is written lazily past events of other types), by the
 * database's clock against the event's `recorded_at` (the service's clock, corrected by
 * the sandbox clock's offset). Every row of `es_checkpoints` counts, whatever the
 * subscriptions are called or however many there are.
 */
export class LagSampler {
  private readonly samples = new Map<string, number[]>();
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;
  private queries = 0;
  private sampleCount = 0;
  private failure?: string;

  private constructor(
    private readonly client: Client,
    private readonly clockOffsetMs: number,
  ) {}

  static async open(databaseUrl: string, clockOffsetMs: number): Promise<LagSampler> {
    const client = new Client({ connectionString: databaseUrl, application_name: 'shiming-bench' });
    await client.connect();
    return new LagSampler(client, clockOffsetMs);
  }

  /**
   * Each subscription's lag in ms: the age of the oldest event past its checkpoint, or
   * null when it has processed the whole log.
   */
  async lags(): Promise<Map<string, number | null>> {
    this.queries++;
    const { rows } = await this.client.query<{ subscription_id: string; lag_ms: number | null }>(
      `SELECT c.subscription_id,
              extract(epoch FROM clock_timestamp() - oldest.recorded_at) * 1000 - $1 AS lag_ms
       FROM es_checkpoints c
       LEFT JOIN LATERAL (
         SELECT e.recorded_at FROM es_events e
         WHERE (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position)
           AND (c.event_types IS NULL OR e.event_type = ANY(c.event_types))
         ORDER BY e.transaction_id, e.global_position
         LIMIT 1
       ) oldest ON true`,
      [this.clockOffsetMs],
    );
    return new Map(
      rows.map((row) => [
        row.subscription_id,
        row.lag_ms === null ? null : Math.max(0, Number(row.lag_ms)),
      ]),
    );
  }

  /** Waits until every subscription has processed the whole log. */
  async caughtUp(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ([...(await this.lags()).values()].some((lag) => lag !== null)) {
      if (Date.now() > deadline) throw new Error('The subscriptions did not catch up');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  start(intervalMs = 100): void {
    this.samples.clear();
    this.queries = 0;
    this.sampleCount = 0;
    this.failure = undefined;
    this.timer = setInterval(() => {
      // One sample at a time: a slow one is skipped over, not queued.
      if (this.inFlight || this.failure) return;
      this.inFlight = this.sample().finally(() => (this.inFlight = undefined));
    }, intervalMs);
  }

  async stop(): Promise<LagReport> {
    clearInterval(this.timer);
    await this.inFlight;
    const bySubscription = [...this.samples.entries()]
      .map(([name, lags]): [string, Latencies] => [name, percentiles(lags)])
      .sort((a, b) => b[1].p99 - a[1].p99);
    return {
      all: percentiles([...this.samples.values()].flat()),
      bySubscription,
      samples: this.sampleCount,
      queries: this.queries,
      unavailable: this.failure,
    };
  }

  async close(): Promise<void> {
    await this.client.end();
  }

  private async sample(): Promise<void> {
    try {
      const lags = await this.lags();
      this.sampleCount++;
      for (const [name, lag] of lags) {
        const samples = this.samples.get(name) ?? [];
        samples.push(lag ?? 0);
        this.samples.set(name, samples);
      }
    } catch (error) {
      this.failure = error instanceof Error ? error.message : String(error);
    }
  }
}
