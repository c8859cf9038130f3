import { Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';

/** A window's count after a request; times in whole seconds. */
export interface RateLimitRecord {
  totalHits: number;
  timeToExpire: number;
  isBlocked: boolean;
  timeToBlockExpire: number;
}

/**
 * Where the rate limiter counts: a fixed window per key that starts at the key's first
 * request. Once a window holds more than `limit` requests the key is blocked until the
 * window ends; blocked requests are not counted.
 */
export interface RateLimitStorage extends OnModuleInit, OnModuleDestroy {
  /** Said once in the log at start-up. */
  readonly description: string;
  increment(key: string, ttlMs: number, limit: number): Promise<RateLimitRecord>;
  /**
   * Counts a request against several windows in order, as `increment` would one after
   * the other, stopping at the first that blocks it: that one's index and record, or
   * undefined when none does. In Redis, one round trip.
   */
  incrementAll(windows: readonly RateLimitWindow[]): Promise<BlockedWindow | undefined>;
}

export interface RateLimitWindow {
  key: string;
  ttlMs: number;
  limit: number;
}

export interface BlockedWindow {
  index: number;
  record: RateLimitRecord;
}

function record(hits: number, windowLeftMs: number, limit: number): RateLimitRecord {
  const seconds = Math.max(1, Math.ceil(windowLeftMs / 1000));
  const isBlocked = hits > limit;
  return {
    totalHits: hits,
    timeToExpire: seconds,
    isBlocked,
    timeToBlockExpire: isBlocked ? seconds : 0,
  };
}

// One round trip, atomic: a window's first request sets its expiry; requests beyond the
// limit are not counted, so a blocked caller does not lengthen its own wait.
const INCREMENT = `
local hits = tonumber(redis.call('GET', KEYS[1]) or '0')
if hits > tonumber(ARGV[2]) then
  return {hits, redis.call('PTTL', KEYS[1])}
end
hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {hits, redis.call('PTTL', KEYS[1])}
`;

// `INCREMENT` over each key in turn (ARGV: ttl and limit of each), returning at the
// first key that blocks: {its 1-based index, hits, ms left}; {0} when none does.
const INCREMENT_ALL = `
for i, key in ipairs(KEYS) do
  local ttl = ARGV[2 * i - 1]
  local limit = tonumber(ARGV[2 * i])
  local hits = tonumber(redis.call('GET', key) or '0')
  if hits <= limit then
    hits = redis.call('INCR', key)
    if hits == 1 then redis.call('PEXPIRE', key, ttl) end
  end
  if hits > limit then return {i, hits, redis.call('PTTL', key)} end
end
return {0}
`;

type Script = (keyCount: number, ...keysAndArguments: (string | number)[]) => Promise<unknown>;
type ScriptedRedis = Redis & { rateLimitIncrement: Script; rateLimitIncrementAll: Script };

// How long requests skip a Redis that has just failed (a hung one costs each
// increment the command timeout).
const AWAY_MS = 1_000;

/** Counts in Redis, so that every api process shares the limits. */
export class RedisRateLimitStorage implements RateLimitStorage {
  readonly description = 'Rate limits are counted in Redis, shared by every api process';
  private readonly logger = new Logger('RateLimit');
  private readonly redis: Redis;
  private lastWarning = 0;
  // After a failure, requests skip Redis for a moment instead of each waiting for it.
  private awayUntil = 0;

  constructor(
    url: string,
    private readonly prefix: string,
  ) {
    this.redis = new Redis(url, {
      lazyConnect: true,
      // A request must not wait for a Redis that is away: it is let through instead.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 500,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
      disconnectTimeout: 200,
    });
    this.redis.on('error', () => undefined);
    // Sent by its hash (EVALSHA), the script's text only when Redis does not have it yet.
    this.redis.defineCommand('rateLimitIncrement', { lua: INCREMENT });
    this.redis.defineCommand('rateLimitIncrementAll', { lua: INCREMENT_ALL });
  }

  async onModuleInit(): Promise<void> {
    // Called once for each module that provides this instance.
    if (this.redis.status !== 'wait') return;
    await this.redis.connect().catch(() => undefined);
  }

  async onModuleDestroy(): Promise<void> {
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => undefined);
    this.redis.disconnect();
  }

  async increment(key: string, ttlMs: number, limit: number): Promise<RateLimitRecord> {
    if (Date.now() < this.awayUntil) return record(0, ttlMs, limit);
    try {
      const [hits, leftMs] = (await (this.redis as ScriptedRedis).rateLimitIncrement(
        1,
        `${this.prefix}:rate-limit:${key}`,
        ttlMs,
        limit,
      )) as [number, number];
      return record(hits, leftMs > 0 ? leftMs : ttlMs, limit);
    } catch (error) {
      this.away(error);
      return record(0, ttlMs, limit);
    }
  }

  async incrementAll(windows: readonly RateLimitWindow[]): Promise<BlockedWindow | undefined> {
    if (windows.length === 0 || Date.now() < this.awayUntil) return undefined;
    try {
      const [index, hits, leftMs] = (await (this.redis as ScriptedRedis).rateLimitIncrementAll(
        windows.length,
        ...windows.map((window) => `${this.prefix}:rate-limit:${window.key}`),
        ...windows.flatMap((window) => [window.ttlMs, window.limit]),
      )) as [number, number?, number?];
      if (index === 0) return undefined;
      const { ttlMs, limit } = windows[index - 1];
      return {
        index: index - 1,
        record: record(hits as number, (leftMs as number) > 0 ? (leftMs as number) : ttlMs, limit),
      };
    } catch (error) {
      this.away(error);
      return undefined;
    }
  }

  // Availability over limiting: without Redis the api goes on serving, unlimited.
  private away(error: unknown): void {
    this.awayUntil = Date.now() + AWAY_MS;
    if (Date.now() - this.lastWarning > 10_000) {
      this.lastWarning = Date.now();
      this.logger.warn(
        `Rate limits are not applied while Redis does not answer: ${(error as Error).message}`,
      );
    }
  }
}

/**
 * Counts in this process's memory, for an api without Redis: each process counts on
 * its own, so N processes allow N times the limits.
 */
export class MemoryRateLimitStorage implements RateLimitStorage {
  readonly description =
    "Rate limits are counted in this process's memory (no Redis configured): each api process counts on its own";
  private readonly windows = new Map<string, { hits: number; endsAt: number }>();
  private sweeper?: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {}

  onModuleInit(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  async increment(key: string, ttlMs: number, limit: number): Promise<RateLimitRecord> {
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      window = { hits: 0, endsAt: now + ttlMs };
      this.windows.set(key, window);
    }
    if (window.hits <= limit) window.hits++;
    return record(window.hits, window.endsAt - now, limit);
  }

  async incrementAll(windows: readonly RateLimitWindow[]): Promise<BlockedWindow | undefined> {
    for (const [index, { key, ttlMs, limit }] of windows.entries()) {
      const counted = await this.increment(key, ttlMs, limit);
      if (counted.isBlocked) return { index, record: counted };
    }
    return undefined;
  }

  /** Forgets the windows that have ended. */
  sweep(): void {
    const now = this.now();
    for (const [key, window] of this.windows) {
      if (window.endsAt <= now) this.windows.delete(key);
    }
  }

  get size(): number {
    return this.windows.size;
  }
}
