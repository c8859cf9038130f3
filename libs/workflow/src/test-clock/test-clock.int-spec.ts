import { randomUUID } from 'node:crypto';
import {
  createTestDatabase,
  reachableRedisUrl,
  testQueuePrefix,
  type TestDatabase,
} from '../../../../test/support/test-database';
import {
  appendFiredEvent,
  startTimers,
  waitUntil,
  wakeUpPaths,
  type TimersHarness,
} from '../timers/testing/timers-harness';
import type { TimerHandler } from '../timers/timer.types';
import { TestClock } from './test-clock';

const TICK = 'test_tick';
const CHAIN = 'test_chain';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface Seen {
  label: string;
  timerId: string;
  dueAt: number;
  now: number;
}

// With a worker running: an advance fires in due order whatever else wakes timers up.
describe.each(wakeUpPaths(reachableRedisUrl(), 'TestClock'))(
  'TestClock, timers woken by $name',
  ({ redisUrl: wakeUpRedisUrl }) => {
    let db: TestDatabase;
    let app: TimersHarness;
    let clock: TestClock;
    let seen: Seen[] = [];

    const handlers = ({
      store,
      scheduler,
      clock: timeNow,
    }: Pick<TimersHarness, 'store' | 'scheduler' | 'clock'>): Record<string, TimerHandler> => ({
      [TICK]: async (timer, tx) => {
        seen.push({
          label: String(timer.payload.label),
          timerId: timer.timerId,
          dueAt: timer.dueAt.getTime(),
          now: timeNow.now().getTime(),
        });
        await appendFiredEvent(store, timer, tx, timer.firingId);
      },
      // Starts the next step of a process, as a domain handler would.
      [CHAIN]: async (timer, tx) => {
        seen.push({
          label: String(timer.payload.label),
          timerId: timer.timerId,
          dueAt: timer.dueAt.getTime(),
          now: timeNow.now().getTime(),
        });
        const next = await Promise.all(
          (timer.payload.next as { label: string; afterMs: number }[]).map((step) =>
            scheduler.schedule(tx, {
              streamId: timer.streamId,
              kind: TICK,
              key: step.label,
              dueAt: new Date(timer.firedAt.getTime() + step.afterMs),
              payload: { label: step.label },
            }),
          ),
        );
        return { scheduled: next };
      },
    });

    const schedule = (label: string, inMs: number, kind = TICK, payload: object = {}) =>
      app.dataSource.transaction((tx) =>
        app.scheduler.schedule(tx, {
          streamId: `clock-${randomUUID()}`,
          kind,
          dueAt: new Date(clock.now().getTime() + inMs),
          payload: { label, ...payload },
        }),
      );
    const statusOf = async (timerId: string) =>
      (
        (await app.dataSource.query('SELECT status FROM wf_timers WHERE timer_id = $1', [
          timerId,
        ])) as { status: string }[]
      )[0].status;

    beforeAll(async () => {
      db = await createTestDatabase();
      app = await startTimers({
        databaseUrl: db.url,
        redisUrl: wakeUpRedisUrl,
        prefix: testQueuePrefix(),
        timers: { sandbox: true, runWorkers: true },
        handlers,
      });
      clock = app.module.get(TestClock);
    });

    beforeEach(() => {
      seen = [];
    });

    afterEach(async () => {
      // Each test starts with no timers pending from the one before.
      await app.dataSource.query(
        `UPDATE wf_timers SET status = 'cancelled', cancelled_at = now() WHERE status = 'scheduled'`,
      );
    });

    afterAll(async () => {
      await app?.queue?.obliterate({ force: true }).catch(() => undefined);
      await app?.close();
      await db?.drop();
    });

    it('is the clock of the timers module in the sandbox', () => {
      expect(app.clock).toBe(clock);
    });

    it('fires a 2-day timer and not a 4-day one when advanced by P3D', async () => {
      const start = clock.now().getTime();
      const twoDays = await schedule('two days', 2 * DAY);
      const fourDays = await schedule('four days', 4 * DAY);

      const fired = await clock.advance('P3D');

      expect(fired.map((t) => t.timerId)).toEqual([twoDays.timerId]);
      expect(await statusOf(twoDays.timerId)).toBe('fired');
      expect(await statusOf(fourDays.timerId)).toBe('scheduled');
      expect(clock.now().getTime() - start).toBeGreaterThanOrEqual(3 * DAY);
      expect(clock.now().getTime() - start).toBeLessThan(3 * DAY + 60_000);
    });

    it('fires timers in due order, the clock standing at each due time', async () => {
      const timers = [
        await schedule('e', 5 * HOUR),
        await schedule('a', 1 * HOUR),
        await schedule('c', 3 * HOUR),
        await schedule('b', 1 * HOUR),
        await schedule('d', 2 * HOUR),
      ];
      // Two timers due at the same instant fire in timer id order.
      const byDue = [...timers].sort(
        (x, y) => x.dueAt.getTime() - y.dueAt.getTime() || x.timerId.localeCompare(y.timerId),
      );

      const fired = await clock.advance('P1D');

      expect(fired.map((t) => t.timerId)).toEqual(byDue.map((t) => t.timerId));
      expect(seen.map((s) => s.timerId)).toEqual(byDue.map((t) => t.timerId));
      for (const s of seen) expect(s.now).toBe(s.dueAt);
      // The events the handlers appended carry the due time too.
      for (const timer of timers) {
        const [event] = await app.store.readStream(timer.streamId);
        expect(event.metadata.timestamp).toBe(timer.dueAt.toISOString());
        expect(event.recordedAt.getTime()).toBe(timer.dueAt.getTime());
      }
    });

    it('fires a timer that a handler schedules during the advance when it falls in the window', async () => {
      const chain = await schedule('chain', 1 * HOUR, CHAIN, {
        next: [
          { label: 'inside', afterMs: 2 * HOUR },
          { label: 'outside', afterMs: 10 * HOUR },
        ],
      });

      const fired = await clock.advance('PT4H');

      expect(fired.map((t) => t.payload.label)).toEqual(['chain', 'inside']);
      expect(seen.map((s) => [s.label, s.now - chain.dueAt.getTime()])).toEqual([
        ['chain', 0],
        ['inside', 2 * HOUR],
      ]);
      const rows: { key: string; status: string }[] = await app.dataSource.query(
        `SELECT timer_key AS key, status FROM wf_timers WHERE stream_id = $1 AND kind = $2 ORDER BY due_at`,
        [chain.streamId, TICK],
      );
      expect(rows).toEqual([
        { key: 'inside', status: 'fired' },
        { key: 'outside', status: 'scheduled' },
      ]);
    });

    it('fires a timer that moving the clock made due, without an advance', async () => {
      const timer = await schedule('moved', 2 * DAY);
      await clock.set(new Date(clock.now().getTime() + 3 * DAY));
      await waitUntil(async () => (await statusOf(timer.timerId)) === 'fired', 20_000, 'the timer');
      expect(seen.map((s) => s.timerId)).toEqual([timer.timerId]);
    });

    it('shares one time with every process through wf_clock', async () => {
      const other = new TestClock(app.dataSource);
      await other.onModuleInit();
      try {
        expect(Math.abs(other.now().getTime() - clock.now().getTime())).toBeLessThan(1_000);

        await clock.set(new Date('2030-01-01T00:00:00Z'));
        await other.refresh();
        expect(Math.abs(other.now().getTime() - Date.parse('2030-01-01T00:00:00Z'))).toBeLessThan(
          1_000,
        );

        await other.reset();
        await clock.refresh();
        expect(clock.offset).toBe(0);
      } finally {
        await other.onModuleDestroy();
      }
    });

    it('hears a move by another process at once, without re-reading on a schedule', async () => {
      // A backstop too slow to matter here: only the NOTIFY of the move can tell it.
      const other = new TestClock(app.dataSource, { refreshMs: 3_600_000 });
      await other.onModuleInit();
      try {
        const moves: number[] = [];
        other.onMove(() => moves.push(other.offset));
        await clock.advance('P1D');
        await waitUntil(async () => moves.length > 0, 10_000, 'the move to be heard');
        expect(other.offset).toBe(clock.offset);
        await clock.reset();
        await waitUntil(async () => other.offset === 0, 10_000, 'the reset to be heard');
      } finally {
        await other.onModuleDestroy();
      }
    });
  },
);
