import {
  dueWithin,
  isRetryDue,
  parseTimerJobId,
  timerFiringId,
  timerJobDelayMs,
  timerJobId,
  timerJobOptions,
  timerRetryDelayMs,
} from './timer-jobs';

const TIMER = '0b7e4c52-9a1d-4f3e-8c2b-5d6a7e8f9a0b';
const at = (iso: string) => new Date(iso);

describe('timer job ids', () => {
  it('gives each arming of a timer its own id', () => {
    expect(timerJobId(TIMER, 1)).not.toBe(timerJobId(TIMER, 2));
    expect(timerJobId(TIMER, 3)).toBe(timerJobId(TIMER, 3));
  });

  it('never uses a single colon, which BullMQ refuses in custom ids', () => {
    expect(timerJobId(TIMER, 7)).not.toContain(':');
  });

  it('reads a job id back into the timer and generation', () => {
    expect(parseTimerJobId(timerJobId(TIMER, 12))).toEqual({ timerId: TIMER, generation: 12 });
    expect(parseTimerJobId('repeat:abc:1')).toBeNull();
    expect(parseTimerJobId(`${TIMER}_0`)).toBeNull();
  });
});

describe('timerJobOptions', () => {
  const now = at('2025-01-01T00:00:00Z');

  it('delays the job until the due time and never below zero', () => {
    expect(timerJobDelayMs(at('2025-01-01T00:00:05Z'), now)).toBe(5000);
    expect(timerJobDelayMs(at('2024-12-31T23:59:00Z'), now)).toBe(0);
  });

  it('removes completed jobs so that no retained id swallows a later add', () => {
    const options = timerJobOptions(
      { timerId: TIMER, generation: 2, dueAt: at('2025-01-01T00:01:00Z') },
      now,
    );
    expect(options).toMatchObject({
      jobId: timerJobId(TIMER, 2),
      delay: 60_000,
      removeOnComplete: true,
      backoff: { type: 'timer' },
    });
    expect(options.attempts).toBeGreaterThan(1);
  });
});

describe('dueWithin', () => {
  const now = at('2025-01-01T00:00:00Z');
  const timer = (dueAt: string) => ({ dueAt: at(dueAt) });

  it('keeps overdue timers and those due within the lookahead, leaves later ones', () => {
    const timers = [
      timer('2024-12-31T00:00:00Z'),
      timer('2025-01-01T00:10:00Z'),
      timer('2025-01-01T00:10:00.001Z'),
      timer('2025-01-11T00:00:00Z'),
    ];
    expect(dueWithin(timers, now, 10 * 60_000)).toEqual(timers.slice(0, 2));
  });
});

describe('timer retry back-off', () => {
  it('doubles from one second and stops growing at fifteen minutes', () => {
    expect([1, 2, 3, 4].map(timerRetryDelayMs)).toEqual([1000, 2000, 4000, 8000]);
    expect(timerRetryDelayMs(11)).toBe(15 * 60_000);
    expect(timerRetryDelayMs(1000)).toBe(15 * 60_000);
    expect(timerRetryDelayMs(0)).toBe(0);
  });

  it('retries an overdue timer at once unless its last attempt failed too recently', () => {
    const now = at('2025-01-01T00:00:10Z');
    expect(isRetryDue({ attempts: 0, lastAttemptAt: null, lastError: null }, now)).toBe(true);
    const failedThrice = { attempts: 3, lastError: 'boom' };
    // Three failures: wait 4 s after the last one.
    expect(isRetryDue({ ...failedThrice, lastAttemptAt: at('2025-01-01T00:00:07Z') }, now)).toBe(
      false,
    );
    expect(isRetryDue({ ...failedThrice, lastAttemptAt: at('2025-01-01T00:00:06Z') }, now)).toBe(
      true,
    );
  });
});

describe('timerFiringId', () => {
  it('is a version 5 uuid fixed by the timer and generation', () => {
    const id = timerFiringId(TIMER, 1);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(timerFiringId(TIMER, 1)).toBe(id);
    expect(timerFiringId(TIMER.toUpperCase(), 1)).toBe(id);
    expect(timerFiringId(TIMER, 2)).not.toBe(id);
  });
});
