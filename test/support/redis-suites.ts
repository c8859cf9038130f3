import * as path from 'node:path';

// The suites about Redis itself, by path from the repository's root (a folder takes
// every suite under it): its loss, the rate-limit counters kept in it, BullMQ's job ids.
// Without Redis (none configured, none answering on 127.0.0.1:6379) they are skipped,
// each with one line saying so. Every other suite runs without Redis as the
// application does: timers woken from PostgreSQL, rate limits and the queue dashboard
// off. A spec with a part about Redis declares that part only when the tests have one
// (`reachableRedisUrl()`).
export const SUITES_NEEDING_REDIS: readonly string[] = [
  'test/redis-outage.e2e-spec.ts',
  'test/edge/rate-limits.e2e-spec.ts',
  'apps/api/src/http/rate-limit/rate-limit.storage.int-spec.ts',
  'libs/workflow/src/timers/timer-redis-loss.int-spec.ts',
];

const ROOT = path.resolve(__dirname, '..', '..');

export function suiteNeedsRedis(testPath: string): boolean {
  const relative = path.relative(ROOT, testPath).split(path.sep).join('/');
  return SUITES_NEEDING_REDIS.some((entry) =>
    entry.endsWith('/') ? relative.startsWith(entry) : relative === entry,
  );
}

/** Set by the global set-up when no Redis answers: the URL that was tried. */
export const REDIS_UNREACHABLE_VARIABLE = 'SHIMING_TEST_REDIS_UNREACHABLE';
