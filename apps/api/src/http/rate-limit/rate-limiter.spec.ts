import { loadConfig, Metrics } from '@shiming/common';
import { MemoryRateLimitStorage } from './rate-limit.storage';
import { RateLimiter, throttlersOf } from './rate-limiter';

describe('RateLimiter', () => {
  const limits = loadConfig({
    RATE_LIMIT_DEFAULT: 'window:60,ip:100,account:2,client:100',
    RATE_LIMIT_GUESS: 'window:3600,ip:100,account:1',
  }).rateLimits;

  it('orders the windows shortest first, as the counts are made', () => {
    const windows = throttlersOf(limits).map((t) => t.ttlMs);
    expect(windows).toEqual([...windows].sort((a, b) => a - b));
  });

  it('refuses an account over its default limit with the seconds left, and counts the refusal', async () => {
    const storage = new MemoryRateLimitStorage(() => 1_000_000);
    const metrics = new Metrics();
    const limiter = new RateLimiter(limits, storage, metrics);
    const caller = { ip: '10.0.0.1', account: 'acct-a' };
    expect(await limiter.count(caller, [])).toBeUndefined();
    expect(await limiter.count(caller, [])).toBeUndefined();
    const refusal = await limiter.count(caller, []);
    expect(refusal).toMatchObject({ code: 'rate_limited', retryAfterSeconds: 60 });
    expect(await metrics.scrape()).toMatch(
      /shiming_rate_limit_refusals_total\{limit="default:account"\} 1/,
    );
    // Another account from the same address is not held back.
    expect(await limiter.count({ ip: '10.0.0.1', account: 'acct-b' }, [])).toBeUndefined();
  });

  it('counts a route’s own classes on top of the default ones', async () => {
    const limiter = new RateLimiter(limits, new MemoryRateLimitStorage(), new Metrics());
    const caller = { ip: '10.0.0.2', account: 'acct-c' };
    expect(await limiter.count(caller, ['guess'])).toBeUndefined();
    expect(await limiter.count(caller, ['guess'])).toMatchObject({ retryAfterSeconds: 3600 });
    // A caller without an account counts per address only.
    expect(await limiter.count({ ip: '10.0.0.2' }, ['guess'])).toBeUndefined();
  });
});
