import * as path from 'node:path';

// The suites that need Redis, by path from the repository's root (a folder takes
// every suite under it). Without Redis (none configured, none answering on
// 127.0.0.1:6379) they are skipped, each with one line saying so. Today every suite
// that starts the api or the worker needs it, since BullMQ wakes the timers; the
// suites about Redis itself (its loss, BullMQ's job ids, the rate-limit counters in
// Redis) will need it for good.
export const SUITES_NEEDING_REDIS: readonly string[] = [
  'test/',
  'apps/api/src/http/rate-limit/rate-limit.storage.int-spec.ts',
  'libs/verification/src/infrastructure/verification-command.executor.int-spec.ts',
  'libs/verification/src/outside-calls/outside-call.runner.int-spec.ts',
  'libs/verification/src/reactions/cross-account.process-manager.int-spec.ts',
  'libs/verification/src/reactions/outside-calls.process-manager.int-spec.ts',
  'libs/workflow/src/test-clock/test-clock.int-spec.ts',
  'libs/workflow/src/timers/timer-crash.int-spec.ts',
  'libs/workflow/src/timers/timer-firing.int-spec.ts',
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
