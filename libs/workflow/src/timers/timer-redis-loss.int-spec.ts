import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import {
  createTestDatabase,
  reachableRedisUrl,
  testQueuePrefix,
  type TestDatabase,
} from '../../../../test/support/test-database';
import type { Timer, TimerHandler } from './timer.types';
import {
  appendFiredEvent,
  describeWithRedis,
  startTimers,
  waitUntil,
  type TimersHarness,
} from './testing/timers-harness';

const KIND = 'test_loss';
const COUNT = 1_000;
// This file empties its Redis database; no other test file uses this one.
const REDIS_DB = 11;

const SPEC = 'timers pending when Redis loses its data';

describeWithRedis(reachableRedisUrl(), SPEC)(SPEC, () => {
  let db: TestDatabase;
  let url: string;
  let redis: Redis;
  let prefix: string;
  let app: TimersHarness;
  const workers: TimersHarness[] = [];

  const handlers = ({
    store,
  }: {
    store: TimersHarness['store'];
  }): Record<string, TimerHandler> => ({
    [KIND]: async (timer, tx) => {
      await appendFiredEvent(store, timer, tx, randomUUID());
    },
  });

  beforeAll(async () => {
    db = await createTestDatabase();
    const redisDb = new URL(reachableRedisUrl()!);
    redisDb.pathname = `/${REDIS_DB}`;
    url = redisDb.toString();
    redis = new Redis(url, { maxRetriesPerRequest: 1 });
    await redis.flushdb();
    prefix = testQueuePrefix();
    app = await startTimers({ databaseUrl: db.url, redisUrl: url, prefix, handlers });
  });

  afterAll(async () => {
    for (const worker of workers) await worker.close();
    await app?.close();
    await redis?.flushdb();
    redis?.disconnect();
    await db?.drop();
  });

  it('re-adds every job again when Redis loses its data while they are being re-added', async () => {
    const timers = await app.dataSource.transaction(async (tx) => {
      const out: Timer[] = [];
      for (let i = 0; i < 50; i++) {
        out.push(
          await app.scheduler.schedule(tx, {
            streamId: `restore-${randomUUID()}`,
            kind: KIND,
            dueAt: new Date(Date.now() + 5 * 60_000),
          }),
        );
      }
      return out;
    });
    try {
      await app.relay!.enqueue(timers);
      expect(await app.relay!.finishRestore(await app.relay!.beginRestore())).toBe(true);
      expect(await app.relay!.queueIntact()).toBe(true);

      await redis.flushdb();
      // A restore it did not begin is not finished by it.
      expect(await app.relay!.finishRestore('restoring:another')).toBe(false);
      // The second loss strikes while the restore runs, once its jobs are back.
      const enqueue = app.relay!.enqueue.bind(app.relay);
      const spy = jest.spyOn(app.relay!, 'enqueue').mockImplementationOnce(async (page) => {
        const added = await enqueue(page);
        await redis.flushdb();
        return added;
      });
      await app.reconciler.reconcileOnce();
      spy.mockRestore();
      // Not marked intact over the lost jobs…
      expect(await app.queue!.getDelayedCount()).toBe(0);
      expect(await app.relay!.queueIntact()).toBe(false);
      // …so the next pass restores them all.
      expect(await app.reconciler.reconcileOnce()).toMatchObject({ enqueued: 50 });
      expect(await app.queue!.getDelayedCount()).toBe(50);
      expect(await app.relay!.queueIntact()).toBe(true);
    } finally {
      await app.dataSource.transaction(async (tx) => {
        for (const timer of timers) await app.scheduler.cancel(tx, { timerId: timer.timerId });
      });
      await redis.flushdb();
    }
  });

  it(`fires all ${COUNT} timers, none twice, after a FLUSHDB`, async () => {
    const run = randomUUID().slice(0, 8);
    const due = Date.now() + 3_000;
    const timers: Timer[] = [];
    for (let batch = 0; batch < COUNT / 100; batch++) {
      await app.dataSource.transaction(async (tx) => {
        for (let i = batch * 100; i < (batch + 1) * 100; i++) {
          timers.push(
            await app.scheduler.schedule(tx, {
              streamId: `loss-${run}-${i}`,
              kind: KIND,
              dueAt: new Date(due + (i % 500)),
            }),
          );
        }
      });
    }
    expect(await app.relay!.enqueue(timers)).toBe(COUNT);
    expect(await app.queue!.getDelayedCount()).toBe(COUNT);
    expect(await app.relay!.finishRestore(await app.relay!.beginRestore())).toBe(true);
    // While Redis holds the jobs, a pass adds nothing again.
    expect(await app.reconciler.reconcileOnce()).toMatchObject({ enqueued: 0, fired: 0 });

    await redis.flushdb();
    expect(await app.queue!.getDelayedCount()).toBe(0);
    // The pass sees that Redis lost its data and puts every job back.
    expect(await app.reconciler.reconcileOnce()).toMatchObject({ enqueued: COUNT, fired: 0 });
    expect(await app.queue!.getDelayedCount()).toBe(COUNT);

    const started = Date.now();
    for (let i = 0; i < 2; i++) {
      workers.push(
        await startTimers({
          databaseUrl: db.url,
          redisUrl: url,
          prefix,
          handlers,
          // Graces far beyond the test: only the re-added jobs can fire the timers.
          timers: {
            runWorkers: true,
            concurrency: 16,
            reconcileIntervalMs: 500,
            graceMs: 600_000,
            backstopGraceMs: 600_000,
          },
          poolSize: 24,
        }),
      );
    }
    const firedCount = async () =>
      Number(
        (
          await app.dataSource.query(
            `SELECT count(*) AS n FROM wf_timers WHERE kind = $1 AND status = 'fired'`,
            [KIND],
          )
        )[0].n,
      );
    await waitUntil(async () => (await firedCount()) === COUNT, 30_000, 'every timer to fire');
    const lastFiredAt = await app.dataSource.query(
      `SELECT max(fired_at) AS at FROM wf_timers WHERE kind = $1`,
      [KIND],
    );
    console.log(
      `${COUNT} timers fired ${Date.now() - started} ms after workers started; ` +
        `the last ${new Date(lastFiredAt[0].at).getTime() - (due + 499)} ms after the last due time`,
    );

    const [events] = await app.dataSource.query(
      `SELECT count(*)::int AS events, count(DISTINCT stream_id)::int AS streams
       FROM es_events WHERE stream_id LIKE $1`,
      [`loss-${run}-%`],
    );
    expect(events).toEqual({ events: COUNT, streams: COUNT });
    const [rows] = await app.dataSource.query(
      `SELECT count(*)::int AS fired, max(attempts) AS max_attempts FROM wf_timers
       WHERE kind = $1 AND stream_id LIKE $2 AND status = 'fired'`,
      [KIND, `loss-${run}-%`],
    );
    expect(rows).toEqual({ fired: COUNT, max_attempts: 1 });
    expect(await workers[0].reconciler.overdueCount(0)).toBe(0);
  });
});
