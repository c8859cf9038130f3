import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { redisUrl } from '../../../../../test/support/test-database';
import {
  MemoryRateLimitStorage,
  RedisRateLimitStorage,
  type RateLimitStorage,
} from './rate-limit.storage';

// The same behaviour from both storages: the in-memory one (an api without Redis) and
// the Redis one, on the real Redis of the integration tests.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each([
  ['in memory', () => new MemoryRateLimitStorage()],
  [
    'in Redis',
    () => new RedisRateLimitStorage(redisUrl(), `shiming-test-${randomBytes(4).toString('hex')}`),
  ],
])('rate limit storage %s', (_, make: () => RateLimitStorage) => {
  let storage: RateLimitStorage;

  beforeAll(async () => {
    storage = make();
    await storage.onModuleInit();
  });

  afterAll(async () => {
    await storage.onModuleDestroy();
  });

  const key = () => `test:${randomBytes(4).toString('hex')}`;

  it('counts up to the limit, then blocks until the window ends', async () => {
    const k = key();
    for (let hit = 1; hit <= 3; hit++) {
      expect(await storage.increment(k, 60_000, 3)).toMatchObject({
        totalHits: hit,
        isBlocked: false,
        timeToExpire: 60,
      });
    }
    const blocked = await storage.increment(k, 60_000, 3);
    expect(blocked).toMatchObject({ isBlocked: true });
    expect(blocked.timeToBlockExpire).toBeGreaterThanOrEqual(59);
    expect(blocked.timeToBlockExpire).toBeLessThanOrEqual(60);
  });

  it('keeps keys apart', async () => {
    const [a, b] = [key(), key()];
    await storage.increment(a, 60_000, 1);
    expect((await storage.increment(a, 60_000, 1)).isBlocked).toBe(true);
    expect((await storage.increment(b, 60_000, 1)).isBlocked).toBe(false);
  });

  it('does not count blocked requests, and starts a new window when the last one ends', async () => {
    const k = key();
    await storage.increment(k, 300, 1);
    for (let i = 0; i < 5; i++) expect((await storage.increment(k, 300, 1)).totalHits).toBe(2);
    await sleep(350);
    expect(await storage.increment(k, 300, 1)).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('counts several windows at once, stopping at the first that blocks', async () => {
    const [a, b, c] = [key(), key(), key()];
    const windows = [
      { key: a, ttlMs: 60_000, limit: 5 },
      { key: b, ttlMs: 60_000, limit: 1 },
      { key: c, ttlMs: 60_000, limit: 5 },
    ];
    expect(await storage.incrementAll(windows)).toBeUndefined();
    const blocked = await storage.incrementAll(windows);
    expect(blocked).toMatchObject({ index: 1, record: { totalHits: 2, isBlocked: true } });
    expect(blocked?.record.timeToBlockExpire).toBeGreaterThan(0);
    // The window after the one that blocked was not counted again; the one before was.
    expect(await storage.increment(c, 60_000, 5)).toMatchObject({ totalHits: 2 });
    expect(await storage.increment(a, 60_000, 5)).toMatchObject({ totalHits: 3 });
  });
});

describe('rate limit storage in memory', () => {
  it('forgets windows that have ended', async () => {
    let now = 0;
    const storage = new MemoryRateLimitStorage(() => now);
    await storage.increment('a', 1000, 5);
    await storage.increment('b', 5000, 5);
    now = 2000;
    storage.sweep();
    expect(storage.size).toBe(1);
  });
});

describe('rate limit storage in Redis, while Redis does not answer', () => {
  it('lets requests through and says so in the log', async () => {
    const warned = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const storage = new RedisRateLimitStorage('redis://127.0.0.1:6390', 'nowhere');
    await storage.onModuleInit();
    try {
      for (let i = 0; i < 3; i++) {
        expect((await storage.increment('k', 60_000, 1)).isBlocked).toBe(false);
        expect(await storage.incrementAll([{ key: 'k', ttlMs: 60_000, limit: 1 }])).toBeUndefined();
      }
      expect(warned).toHaveBeenCalledTimes(1);
      expect(warned).toHaveBeenCalledWith(expect.stringMatching(/not applied while Redis/));
    } finally {
      await storage.onModuleDestroy();
      warned.mockRestore();
    }
  });
});
