import { randomUUID } from 'node:crypto';
import {
  createTestDatabase,
  reachableRedisUrl,
  testQueuePrefix,
  type TestDatabase,
} from '../../../../test/support/test-database';
import { timerJobId } from './timer-jobs';
import { MissingTimerHandlerError, TimerAlreadyScheduledError } from './timer.errors';
import { TimerRepository } from './timer.repository';
import type { DueTimer, TimerHandler } from './timer.types';
import {
  appendFiredEvent,
  startTimers,
  TEST_EVENT,
  waitUntil,
  wakeUpPaths,
  type TimersHarness,
} from './testing/timers-harness';

const KIND = 'test_expiry';
const SLOW_KIND = 'test_slow_expiry';
// Cancels the stream's KIND timer when it fires.
const CANCELLING_KIND = 'test_cancelling';
/** Declares nothing: the case is about the other wake-up path. */
const notOnThisPath = ((): void => undefined) as unknown as jest.It;

describe.each(wakeUpPaths(reachableRedisUrl(), 'durable timers: scheduling and firing'))(
  'durable timers woken by $name: scheduling and firing',
  ({ wakeUp, redisUrl: wakeUpRedisUrl }) => {
    const bullmq = wakeUp === 'bullmq';
    let db: TestDatabase;
    let prefix: string;
    let app: TimersHarness;
    const seen: DueTimer[] = [];
    const failNext = new Set<string>();
    const failAlways = new Set<string>();

    const handlers = ({
      store,
      scheduler,
    }: {
      store: TimersHarness['store'];
      scheduler: TimersHarness['scheduler'];
    }): Record<string, TimerHandler> => ({
      [KIND]: async (timer, tx) => {
        await appendFiredEvent(store, timer, tx, randomUUID());
        if (failNext.delete(timer.timerId) || failAlways.has(timer.timerId)) {
          throw new Error('handler failed on purpose');
        }
        seen.push(timer);
      },
      [CANCELLING_KIND]: async (timer, tx) => {
        await appendFiredEvent(store, timer, tx, randomUUID());
        await scheduler.cancel(tx, { streamId: timer.streamId, kind: KIND });
      },
      // Holds the row lock a while, so that racing firers really overlap.
      [SLOW_KIND]: async (timer, tx) => {
        await appendFiredEvent(store, timer, tx, randomUUID());
        await tx.query('SELECT pg_sleep(0.05)');
      },
    });

    const start = (timers: Parameters<typeof startTimers>[0]['timers'] = {}) =>
      startTimers({ databaseUrl: db.url, redisUrl: wakeUpRedisUrl, prefix, timers, handlers });

    const eventsOf = async (streamId: string) => (await app.store.readStream(streamId)).length;
    const rowOf = async (timerId: string) =>
      (
        await app.dataSource.query(
          `SELECT status, generation, attempts, last_error, xmin::text AS xmin FROM wf_timers WHERE timer_id = $1`,
          [timerId],
        )
      )[0] as
        | {
            status: string;
            generation: number;
            attempts: number;
            last_error: string | null;
            xmin: string;
          }
        | undefined;
    const schedule = (streamId: string, dueInMs: number, kind = KIND) =>
      app.dataSource.transaction((tx) =>
        app.scheduler.schedule(tx, {
          streamId,
          kind,
          dueAt: new Date(app.clock.now().getTime() + dueInMs),
        }),
      );

    beforeAll(async () => {
      db = await createTestDatabase();
      prefix = testQueuePrefix();
      app = await start();
    });

    afterAll(async () => {
      await app?.queue?.obliterate({ force: true }).catch(() => undefined);
      await app?.close();
      await db?.drop();
    });

    it('leaves no timer when the transaction that scheduled it rolls back', async () => {
      const streamId = `s-${randomUUID()}`;
      let timerId = '';
      await expect(
        app.dataSource.transaction(async (tx) => {
          timerId = (await app.scheduler.schedule(tx, { streamId, kind: KIND, dueAt: new Date() }))
            .timerId;
          throw new Error('command failed');
        }),
      ).rejects.toThrow('command failed');
      expect(timerId).not.toBe('');
      expect(await rowOf(timerId)).toBeUndefined();
    });

    it("wakes timers armed in a caller's transaction up once it commits, never if it rolls back", async () => {
      const wakeUps = jest.spyOn(app.scheduler, 'enqueue');
      try {
        const kept = await app.dataSource.transaction(async (tx) => {
          const timer = await app.scheduler.schedule(tx, {
            streamId: `s-${randomUUID()}`,
            kind: KIND,
            dueAt: new Date(app.clock.now().getTime() + 60_000),
          });
          app.scheduler.enqueueAfterCommit(tx, [timer]);
          expect(wakeUps).not.toHaveBeenCalled();
          return timer;
        });
        expect(wakeUps.mock.calls).toEqual([[[kept]]]);
        await expect(
          app.dataSource.transaction(async (tx) => {
            const timer = await app.scheduler.schedule(tx, {
              streamId: `s-${randomUUID()}`,
              kind: KIND,
              dueAt: new Date(),
            });
            app.scheduler.enqueueAfterCommit(tx, [timer]);
            throw new Error('batch failed');
          }),
        ).rejects.toThrow('batch failed');
        expect(wakeUps).toHaveBeenCalledTimes(1);
      } finally {
        wakeUps.mockRestore();
      }
    });

    it('keeps one live timer per kind on a stream, and several when they have keys', async () => {
      const streamId = `s-${randomUUID()}`;
      await schedule(streamId, 60_000);
      await expect(schedule(streamId, 60_000)).rejects.toThrow(TimerAlreadyScheduledError);
      await app.dataSource.transaction(async (tx) => {
        await app.scheduler.schedule(tx, { streamId, kind: KIND, key: 'a', dueAt: new Date() });
        await app.scheduler.schedule(tx, { streamId, kind: KIND, key: 'b', dueAt: new Date() });
      });
      const cancelled = await app.dataSource.transaction((tx) =>
        app.scheduler.cancel(tx, { streamId, kind: KIND }),
      );
      expect(cancelled.map((t) => t.key).sort()).toEqual(['', 'a', 'b']);
    });

    it('fires a timer once, its event committed in the same transaction as the status change', async () => {
      const streamId = `s-${randomUUID()}`;
      const timer = await schedule(streamId, -1);

      const first = await app.firer.fire(timer.timerId, timer.generation);
      const again = await app.firer.fire(timer.timerId, timer.generation);

      expect(first.outcome).toBe('fired');
      expect(again).toEqual({ outcome: 'skipped', reason: 'fired' });
      const [event] = await app.store.readStream(streamId);
      expect(await eventsOf(streamId)).toBe(1);
      const row = await rowOf(timer.timerId);
      expect(row).toMatchObject({ status: 'fired', attempts: 1 });
      // xmin is the (32-bit) id of the transaction that last wrote the row.
      expect(BigInt(event.position.transactionId) % 2n ** 32n).toBe(BigInt(row!.xmin));
    });

    it('rolls the event back with the firing when the handler fails, and records the failure', async () => {
      const streamId = `s-${randomUUID()}`;
      const timer = await schedule(streamId, -1);
      failNext.add(timer.timerId);

      await expect(app.firer.fire(timer.timerId, 1)).rejects.toThrow('handler failed on purpose');

      expect(await eventsOf(streamId)).toBe(0);
      expect(await rowOf(timer.timerId)).toMatchObject({
        status: 'scheduled',
        attempts: 1,
        last_error: 'Error: handler failed on purpose',
      });
      expect((await app.firer.fire(timer.timerId, 1)).outcome).toBe('fired');
      expect(await eventsOf(streamId)).toBe(1);
    });

    it('fires a batch of wake-ups in one transaction, once each, even a wake-up given twice', async () => {
      const streams = Array.from({ length: 5 }, () => `s-${randomUUID()}`);
      const timers = await Promise.all(streams.map((streamId) => schedule(streamId, -1)));
      const early = await schedule(`s-${randomUUID()}`, 60_000);
      const armings = [...timers, timers[0], early].map((t) => ({
        timerId: t.timerId,
        generation: t.generation,
      }));

      const results = await app.firer.fireMany(armings);

      expect(results.map((r) => (r.status === 'fulfilled' ? r.value.outcome : 'failed'))).toEqual([
        'fired',
        'fired',
        'fired',
        'fired',
        'fired',
        'skipped',
        'not_due',
      ]);
      for (const streamId of streams) expect(await eventsOf(streamId)).toBe(1);
      const xmins = await Promise.all(timers.map(async (t) => (await rowOf(t.timerId))!.xmin));
      expect(new Set(xmins).size).toBe(1);
    });

    it('fires the rest of a batch on their own when one handler fails, recording only that failure', async () => {
      const streams = Array.from({ length: 3 }, () => `s-${randomUUID()}`);
      const timers = await Promise.all(streams.map((streamId) => schedule(streamId, -1)));
      failAlways.add(timers[1].timerId);

      const results = await app.firer.fireMany(timers);
      failAlways.clear();

      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(await eventsOf(streams[0])).toBe(1);
      expect(await eventsOf(streams[1])).toBe(0);
      expect(await eventsOf(streams[2])).toBe(1);
      expect(await rowOf(timers[1].timerId)).toMatchObject({
        status: 'scheduled',
        last_error: 'Error: handler failed on purpose',
      });
    });

    it('obeys a handler early in a batch that cancels a timer later in the same batch', async () => {
      const streamId = `s-${randomUUID()}`;
      const canceller = await schedule(streamId, -2, CANCELLING_KIND);
      const victim = await schedule(streamId, -1);

      const results = await app.firer.fireMany([victim, canceller]);

      expect(results.map((r) => (r.status === 'fulfilled' ? r.value.outcome : 'failed'))).toEqual([
        'skipped',
        'fired',
      ]);
      expect(await rowOf(victim.timerId)).toMatchObject({ status: 'cancelled' });
      expect(await eventsOf(streamId)).toBe(1);
    });

    describe('a kind with a batch handler', () => {
      const BATCH_KIND = 'test_batch_expiry';
      const calls: string[][] = [];
      const failing = new Set<string>();

      beforeAll(() => {
        app.registry.registerBatch(BATCH_KIND, async (timers, tx) => {
          calls.push(timers.map((t) => t.streamId));
          for (const timer of timers) await appendFiredEvent(app.store, timer, tx, timer.firingId);
          if (timers.some((t) => failing.has(t.timerId)))
            throw new Error('batch failed on purpose');
        });
      });

      beforeEach(() => {
        calls.length = 0;
        failing.clear();
      });

      it('gets every timer of its kind in a batch in one call, in stream order, beside other kinds', async () => {
        const streams = Array.from({ length: 3 }, () => `s-${randomUUID()}`);
        const batched = await Promise.all(streams.map((s) => schedule(s, -1, BATCH_KIND)));
        const single = await Promise.all([1, 2].map(() => schedule(`s-${randomUUID()}`, -1)));
        const seenBefore = seen.length;

        const results = await app.firer.fireMany([single[0], ...batched.reverse(), single[1]]);

        expect(results.map((r) => (r.status === 'fulfilled' ? r.value.outcome : 'failed'))).toEqual(
          Array(5).fill('fired'),
        );
        expect(calls).toEqual([[...streams].sort()]);
        expect(seen.length - seenBefore).toBe(2);
        for (const streamId of streams) expect(await eventsOf(streamId)).toBe(1);
        const xmins = await Promise.all(
          [...batched, ...single].map(async (t) => (await rowOf(t.timerId))!.xmin),
        );
        expect(new Set(xmins).size).toBe(1);
      });

      it('is called with one timer when a timer of its kind fires on its own', async () => {
        const timer = await schedule(`s-${randomUUID()}`, -1, BATCH_KIND);
        expect((await app.firer.fire(timer.timerId, 1)).outcome).toBe('fired');
        expect(calls).toEqual([[timer.streamId]]);
      });

      it('fires the timers of a batch it failed one at a time, recording only the failing one', async () => {
        const streams = Array.from({ length: 3 }, () => `s-${randomUUID()}`).sort();
        const timers = await Promise.all(streams.map((s) => schedule(s, -1, BATCH_KIND)));
        failing.add(timers[1].timerId);

        const results = await app.firer.fireMany(timers);

        expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        expect(calls).toEqual([streams, [streams[0]], [streams[1]], [streams[2]]]);
        expect(await Promise.all(streams.map(eventsOf))).toEqual([1, 0, 1]);
        expect(await rowOf(timers[1].timerId)).toMatchObject({
          status: 'scheduled',
          last_error: 'Error: batch failed on purpose',
        });
        // A worker started later refuses a scheduled kind it has no handler for.
        await app.dataSource.transaction((tx) =>
          app.scheduler.cancel(tx, { timerId: timers[1].timerId }),
        );
      });
    });

    it('does not fire a timer before its due time', async () => {
      const timer = await schedule(`s-${randomUUID()}`, 60_000);
      expect(await app.firer.fire(timer.timerId, 1)).toEqual({
        outcome: 'not_due',
        dueAt: timer.dueAt,
      });
      expect(await rowOf(timer.timerId)).toMatchObject({ status: 'scheduled', attempts: 0 });
    });

    it('records firing a kind without a handler as an error, and refuses to start a worker then', async () => {
      const streamId = `s-${randomUUID()}`;
      const timer = await schedule(streamId, -1, 'test_unhandled');
      try {
        await expect(app.firer.fire(timer.timerId, 1)).rejects.toThrow(MissingTimerHandlerError);
        expect(await rowOf(timer.timerId)).toMatchObject({
          status: 'scheduled',
          attempts: 1,
          last_error: expect.stringContaining('test_unhandled'),
        });
        await expect(start({ runWorkers: true })).rejects.toThrow(MissingTimerHandlerError);
      } finally {
        await app.dataSource.transaction((tx) =>
          app.scheduler.cancel(tx, { timerId: timer.timerId }),
        );
      }
    });

    describe('with a worker', () => {
      let worker: TimersHarness;

      beforeAll(async () => {
        worker = await start({ runWorkers: true });
      });

      afterAll(async () => {
        await worker?.close();
      });

      // Completed jobs are removed; other tests' timers may still have jobs waiting.
      const jobsGone =
        (...timers: { timerId: string; generation: number }[]) =>
        async () => {
          if (!app.queue) return true;
          const queue = app.queue;
          const states = await Promise.all(
            timers.map((t) => queue.getJobState(timerJobId(t.timerId, t.generation))),
          );
          return states.every((state) => state === 'unknown');
        };
      // After the commit, as a command does: a job on Redis, or a hint to the poller.
      const enqueue = async (...timers: Parameters<TimersHarness['scheduler']['enqueue']>[0]) => {
        if (app.relay) expect(await app.relay.enqueue(timers)).toBe(timers.length);
        else await app.scheduler.enqueue(timers);
      };
      // A case that belongs to one wake-up path is declared on that path only, not
      // reported as skipped on the other.
      const itWithRedis = bullmq ? it : notOnThisPath;

      it('fires a timer when it comes due', async () => {
        const streamId = `s-${randomUUID()}`;
        const timer = await schedule(streamId, 200);
        await enqueue(timer);
        await waitUntil(async () => (await eventsOf(streamId)) === 1, 10_000, 'the timer to fire');
        if (bullmq) {
          const [{ enqueued }] = await app.dataSource.query(
            `SELECT enqueued_at IS NOT NULL AS enqueued FROM wf_timers WHERE timer_id = $1`,
            [timer.timerId],
          );
          expect(enqueued).toBe(true);
        }
        const fired = seen.find((t) => t.timerId === timer.timerId)!;
        expect(fired.firedAt.getTime()).toBeGreaterThanOrEqual(timer.dueAt.getTime());
        expect((await rowOf(timer.timerId))?.status).toBe('fired');
      });

      it('does not fire a cancelled timer, whose wake-up finds it cancelled', async () => {
        const streamId = `s-${randomUUID()}`;
        const timer = await schedule(streamId, 300);
        await enqueue(timer);
        const [cancelled] = await app.dataSource.transaction((tx) =>
          app.scheduler.cancel(tx, { streamId, kind: KIND }),
        );
        expect(cancelled.timerId).toBe(timer.timerId);
        if (app.queue) {
          // The job stays on the queue (no withdraw) and runs: it must change nothing.
          expect(await app.queue.getJobState(timerJobId(timer.timerId, 1))).toBe('delayed');
          await waitUntil(jobsGone(timer), 10_000, 'the job to run');
        } else {
          await new Promise((resolve) => setTimeout(resolve, 800));
        }
        expect(await eventsOf(streamId)).toBe(0);
        expect((await rowOf(timer.timerId))?.status).toBe('cancelled');
      });

      itWithRedis(
        'moves a job that arrives before the due time back to delayed, and fires it on time',
        async () => {
          const queue = app.queue!;
          const streamId = `s-${randomUUID()}`;
          const timer = await schedule(streamId, 1_000);
          // A wake-up that comes early, as after clock skew between two hosts.
          await queue.add(
            'fire',
            { timerId: timer.timerId, generation: 1 },
            { jobId: timerJobId(timer.timerId, 1), removeOnComplete: true },
          );
          await waitUntil(
            async () => (await queue.getJobState(timerJobId(timer.timerId, 1))) === 'delayed',
            5_000,
            'the early job to be delayed again',
          );
          expect(await eventsOf(streamId)).toBe(0);
          await waitUntil(
            async () => (await eventsOf(streamId)) === 1,
            10_000,
            'the timer to fire',
          );
          expect(
            seen.find((t) => t.timerId === timer.timerId)!.firedAt.getTime(),
          ).toBeGreaterThanOrEqual(timer.dueAt.getTime());
        },
      );

      it('fires each arming of a re-armed timer once, the old arming never', async () => {
        const streamId = `s-${randomUUID()}`;
        const timer = await schedule(streamId, 5 * 60_000);
        await enqueue(timer);
        const rearmed = await app.dataSource.transaction((tx) =>
          app.scheduler.reschedule(tx, { streamId, kind: KIND }, { dueAt: new Date() }),
        );
        expect(rearmed.generation).toBe(2);
        await enqueue(rearmed);
        await waitUntil(async () => (await eventsOf(streamId)) === 1, 10_000, 'the re-armed timer');
        if (app.queue) {
          // The first arming's job is still there; adding its id again would have been ignored.
          expect(await app.queue.getJobState(timerJobId(timer.timerId, 1))).toBe('delayed');
        }

        // Re-arming a fired timer fires it again.
        const third = await app.dataSource.transaction((tx) =>
          app.scheduler.reschedule(tx, { timerId: timer.timerId }, { dueAt: new Date() }),
        );
        await enqueue(third);
        await waitUntil(async () => (await eventsOf(streamId)) === 2, 10_000, 'the third arming');
        const generations = (await app.store.readStream(streamId)).map(
          (e) => (e.data as { generation: number }).generation,
        );
        expect(generations).toEqual([2, 3]);
        await app.scheduler.withdraw([timer]);
        await waitUntil(jobsGone(timer, rearmed, third), 10_000, 'the jobs to be gone');
      });

      it('lets one of many racing firers and workers fire each timer, once', async () => {
        const other = await start({ runWorkers: true, graceMs: 0, backstopGraceMs: 50 });
        try {
          const streams = Array.from({ length: 20 }, () => `race-${randomUUID()}`);
          const timers = await Promise.all(streams.map((s) => schedule(s, 100, SLOW_KIND)));
          await enqueue(...timers);
          await new Promise((resolve) => setTimeout(resolve, 100));
          // Both workers' wake-ups, two direct firers per timer and two reconcilers, all at once.
          const outcomes = await Promise.all([
            ...timers.flatMap((t) => [
              app.firer.fire(t.timerId, 1),
              other.firer.fire(t.timerId, 1),
            ]),
            app.reconciler.reconcileOnce(),
            other.reconciler.reconcileOnce(),
          ]);
          const direct = outcomes.slice(0, 40) as { outcome: string }[];
          for (let i = 0; i < 40; i += 2) {
            expect(
              direct.slice(i, i + 2).filter((o) => o.outcome === 'fired').length,
            ).toBeLessThanOrEqual(1);
          }
          await waitUntil(jobsGone(...timers), 10_000, 'the jobs to run');
          await waitUntil(
            async () => (await Promise.all(streams.map(eventsOf))).every((n) => n === 1),
            10_000,
            'every timer to fire',
          );
          for (const streamId of streams) expect(await eventsOf(streamId)).toBe(1);
          const rows: { status: string; attempts: number }[] = await app.dataSource.query(
            `SELECT status, attempts FROM wf_timers WHERE timer_id = ANY($1::uuid[])`,
            [timers.map((t) => t.timerId)],
          );
          expect(rows).toHaveLength(20);
          expect(rows.every((r) => r.status === 'fired' && r.attempts === 1)).toBe(true);
        } finally {
          await other.close();
        }
      });
    });

    describe('the PostgreSQL poller', () => {
      const POLLED = 'test_polled';
      const order: string[] = [];
      let poller: TimersHarness | null = null;

      beforeAll(() => {
        app.registry.register(POLLED, async (timer, tx) => {
          await appendFiredEvent(app.store, timer, tx, timer.firingId);
        });
      });

      afterEach(async () => {
        await poller?.close();
        poller = null;
        order.length = 0;
      });

      const startPoller = (timers: Parameters<typeof start>[0] = {}) =>
        startTimers({
          databaseUrl: db.url,
          redisUrl: wakeUpRedisUrl,
          prefix,
          timers: { runWorkers: true, ...timers },
          handlers: (context) => ({
            ...handlers(context),
            [POLLED]: async (timer, tx) => {
              order.push(timer.timerId);
              await appendFiredEvent(context.store, timer, tx, timer.firingId);
            },
          }),
        });

      // With BullMQ, its jobs and the reconciler fire these timers too (and retry failed
      // ones first): what the poller alone does shows without Redis.
      const itWithoutRedis = bullmq ? notOnThisPath : it;

      itWithoutRedis('claims due timers in due order', async () => {
        const now = app.clock.now().getTime();
        // Scheduled out of order, all overdue, each due at its own instant.
        const dues = Array.from({ length: 30 }, (_, i) => now - 60_000 + ((i * 7) % 30) * 100);
        const timers = await app.dataSource.transaction(async (tx) => {
          const out = [];
          for (const due of dues) {
            out.push(
              await app.scheduler.schedule(tx, {
                streamId: `order-${randomUUID()}`,
                kind: POLLED,
                dueAt: new Date(due),
              }),
            );
          }
          return out;
        });
        // One timer per transaction, one transaction at a time: the claims' order shows.
        poller = await startPoller({ fireBatchSize: 1, fireParallelBatches: 1 });
        await waitUntil(async () => order.length === timers.length, 20_000, 'every timer to fire');
        const byDue = [...timers].sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
        expect(order).toEqual(byDue.map((t) => t.timerId));
      });

      itWithoutRedis(
        'fires a failed timer again after its back-off, without looking in between',
        async () => {
          const streamId = `s-${randomUUID()}`;
          const timer = await schedule(streamId, -1);
          failAlways.add(timer.timerId);
          poller = await start({ runWorkers: true });
          const claims = jest.spyOn(poller.module.get(TimerRepository), 'claimDue');
          try {
            await waitUntil(
              async () => (await rowOf(timer.timerId))?.last_error != null,
              10_000,
              'the first attempt to fail',
            );
            const claimsAtFailure = claims.mock.calls.length;
            failAlways.delete(timer.timerId);
            await waitUntil(async () => (await eventsOf(streamId)) === 1, 10_000, 'the retry');
            // Asleep until the back-off passed: the retry's claims, not a loop of them.
            expect(claims.mock.calls.length - claimsAtFailure).toBeLessThanOrEqual(4);
          } finally {
            failAlways.delete(timer.timerId);
            claims.mockRestore();
          }
          expect(await rowOf(timer.timerId)).toMatchObject({ status: 'fired', attempts: 2 });
          const [{ gap }] = await app.dataSource.query(
            `SELECT extract(epoch FROM fired_at - created_at) * 1000 AS gap
           FROM wf_timers WHERE timer_id = $1`,
            [timer.timerId],
          );
          // The first retry waits a second (timerRetryDelayMs(1)).
          expect(Number(gap)).toBeGreaterThanOrEqual(1_000);
        },
      );

      if (bullmq) {
        it('fires a timer whose wake-up Redis lost, once it is late by the grace', async () => {
          poller = await start({ runWorkers: true, backstopGraceMs: 300 });
          // The worker's reconciler, the other way back for a lost wake-up, is stopped (a
          // pass under way ends first), so that only the poller can fire the timer.
          await poller.reconciler.stop();
          const streamId = `s-${randomUUID()}`;
          // Armed, and its wake-up never reaches Redis (as when Redis lost it): only the
          // row is there.
          const timer = await schedule(streamId, 1_000);
          expect(await app.queue!.getJob(timerJobId(timer.timerId, 1))).toBeUndefined();
          await waitUntil(async () => (await eventsOf(streamId)) === 1, 10_000, 'the backstop');
          const fired = seen.find((t) => t.timerId === timer.timerId)!;
          expect(fired.firedAt.getTime() - timer.dueAt.getTime()).toBeGreaterThanOrEqual(300);
        });
      } else {
        it('wakes for a timer armed by another process sooner than it meant to look', async () => {
          // Long idle sleeps: only the NOTIFY of the arming process can wake it in time.
          poller = await startPoller({ pollMaxIdleMs: 120_000 });
          await new Promise((resolve) => setTimeout(resolve, 300));
          const streamId = `s-${randomUUID()}`;
          const timer = await schedule(streamId, 300, POLLED);
          await app.scheduler.enqueue([timer]);
          await waitUntil(async () => (await eventsOf(streamId)) === 1, 20_000, 'the hinted timer');
        });

        it('wakes for a timer armed in its own process, and sleeps while nothing is due', async () => {
          poller = await startPoller({ pollMaxIdleMs: 120_000 });
          const looks = jest.spyOn(poller.module.get(TimerRepository), 'nextWakeAt');
          await new Promise((resolve) => setTimeout(resolve, 1_000));
          // Asleep: at most the look it was taking when the spy was set.
          expect(looks.mock.calls.length).toBeLessThanOrEqual(1);
          const streamId = `s-${randomUUID()}`;
          const timer = await poller.dataSource.transaction((tx) =>
            poller!.scheduler.schedule(tx, {
              streamId,
              kind: POLLED,
              dueAt: new Date(app.clock.now().getTime() + 300),
            }),
          );
          await poller.scheduler.enqueue([timer]);
          await waitUntil(async () => (await eventsOf(streamId)) === 1, 20_000, 'the hinted timer');
          looks.mockRestore();
        });
      }
    });

    it('stamps the test event type on fired events', async () => {
      const streamId = `s-${randomUUID()}`;
      const timer = await schedule(streamId, -1);
      await app.firer.fire(timer.timerId, 1);
      expect((await app.store.readStream(streamId))[0].type).toBe(TEST_EVENT);
    });
  },
);
