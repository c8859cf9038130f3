import { randomUUID } from 'node:crypto';
import { context, propagation, trace } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { inSpan, setTracingEnabled } from '@shiming/common';
import {
  createTestDatabase,
  reachableRedisUrl,
  testQueuePrefix,
  type TestDatabase,
} from '../../../../test/support/test-database';
import type { Timer } from './timer.types';
import {
  appendFiredEvent,
  startTimers,
  waitUntil,
  wakeUpPaths,
  type TimersHarness,
} from './testing/timers-harness';

const KIND = 'test_traced';
const BATCH_KIND = 'test_traced_batch';

describe.each(wakeUpPaths(reachableRedisUrl(), 'durable timers: tracing'))(
  'durable timers woken by $name: the firing span links to the arming span',
  ({ redisUrl }) => {
    const exporter = new InMemorySpanExporter();
    let db: TestDatabase;
    let prefix: string;
    let app: TimersHarness;

    const start = (runWorkers: boolean) =>
      startTimers({
        databaseUrl: db.url,
        redisUrl,
        prefix,
        timers: { runWorkers },
        handlers: ({ store }) => ({
          [KIND]: async (timer, tx) => {
            await appendFiredEvent(store, timer, tx, timer.firingId);
          },
        }),
      });

    beforeAll(async () => {
      // As `startTracing` registers it (AsyncLocalStorage context, W3C propagator).
      new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).register();
      setTracingEnabled(true);
      db = await createTestDatabase();
      prefix = testQueuePrefix();
      app = await start(false);
      app.registry.registerBatch(BATCH_KIND, async (timers, tx) => {
        for (const timer of timers) await appendFiredEvent(app.store, timer, tx, timer.firingId);
      });
    });

    afterAll(async () => {
      setTracingEnabled(false);
      await app?.queue?.obliterate({ force: true }).catch(() => undefined);
      await app?.close();
      await db?.drop();
      trace.disable();
      propagation.disable();
      context.disable();
    });

    /** Arms a timer due now inside a span of its own (a request's command), as its trace context. */
    const armedIn = async (name: string, kind = KIND, dueInMs = -1) =>
      inSpan(name, {}, async (span) => {
        const timer = await app.dataSource.transaction((tx) =>
          app.scheduler.schedule(tx, {
            streamId: `s-${randomUUID()}`,
            kind,
            dueAt: new Date(app.clock.now().getTime() + dueInMs),
          }),
        );
        return { timer, armedBy: span?.spanContext().spanId };
      });

    const firingSpans = (kind: string) =>
      exporter.getFinishedSpans().filter((span) => span.name === `timer ${kind}`);
    const linkedTo = (span: ReadableSpan) => span.links.map((link) => link.context.spanId);
    const firingOf = (timer: Timer) =>
      firingSpans(timer.kind).filter(
        (span) =>
          span.attributes['shiming.timer_id'] === timer.timerId ||
          (span.attributes['shiming.timers'] !== undefined &&
            linkedTo(span).includes(timer.trace!.traceparent!.split('-')[2])),
      );
    const traceparentOfEvent = async (timer: Timer) =>
      (await app.store.readStream(timer.streamId))[0].metadata.traceparent;

    it('keeps the trace context of the arming span with the timer', async () => {
      const { timer, armedBy } = await armedIn('arm keeps');
      expect(timer.trace?.traceparent).toMatch(new RegExp(`^00-[0-9a-f]{32}-${armedBy}-01$`));
      const [row] = await app.dataSource.query(`SELECT trace FROM wf_timers WHERE timer_id = $1`, [
        timer.timerId,
      ]);
      expect(row.trace).toEqual(timer.trace);
    });

    it('fires one timer in a span linked to the one that armed it, and its event carries the firing trace', async () => {
      const { timer, armedBy } = await armedIn('arm one');

      expect((await app.firer.fire(timer.timerId, timer.generation)).outcome).toBe('fired');

      const [firing] = firingOf(timer);
      expect(linkedTo(firing)).toEqual([armedBy]);
      // A link, not a parent: the firing is a trace of its own.
      expect(firing.spanContext().traceId).not.toBe(timer.trace!.traceparent!.split('-')[1]);
      expect(firing.parentSpanContext).toBeUndefined();
      expect(await traceparentOfEvent(timer)).toContain(firing.spanContext().traceId);
    });

    it('links the firing of a re-armed timer to the span that re-armed it', async () => {
      const { timer } = await armedIn('arm first');
      const { rearmed, rearmedBy } = await inSpan('re-arm', {}, async (span) => ({
        rearmed: await app.dataSource.transaction((tx) =>
          app.scheduler.reschedule(tx, { timerId: timer.timerId }, { dueAt: timer.dueAt }),
        ),
        rearmedBy: span!.spanContext().spanId,
      }));

      expect((await app.firer.fire(rearmed.timerId, rearmed.generation)).outcome).toBe('fired');

      expect(firingOf(rearmed).map(linkedTo)).toEqual([[rearmedBy]]);
    });

    it('gives each handler call of a batch a span linked to the spans that armed its timers', async () => {
      const singles = [await armedIn('arm a'), await armedIn('arm b')];
      const batched = [
        await armedIn('arm c', BATCH_KIND),
        await armedIn('arm d', BATCH_KIND),
        await armedIn('arm e', BATCH_KIND),
      ];

      const results = await app.firer.fireMany([...singles, ...batched].map((a) => a.timer));
      expect(results.every((r) => r.status === 'fulfilled' && r.value.outcome === 'fired')).toBe(
        true,
      );

      for (const { timer, armedBy } of singles) {
        expect(firingOf(timer).map(linkedTo)).toEqual([[armedBy]]);
      }
      const [group] = firingOf(batched[0].timer);
      expect([...linkedTo(group)].sort()).toEqual(batched.map((a) => a.armedBy).sort());
      expect(group.attributes['shiming.timers']).toBe(3);
      // Inside the batch's span, whose trace the events appended by the handlers carry.
      const [batch] = exporter
        .getFinishedSpans()
        .filter(
          (span) =>
            span.name === 'timer batch' &&
            span.spanContext().spanId === group.parentSpanContext?.spanId,
        );
      expect(batch).toBeDefined();
      for (const { timer } of [...singles, ...batched]) {
        expect(await traceparentOfEvent(timer)).toContain(batch.spanContext().traceId);
      }
    });

    it('links each firing the PostgreSQL wake-up claims to the span that armed it', async () => {
      const armed = [await armedIn('arm f'), await armedIn('arm g', BATCH_KIND)];

      const due = await app.firer.fireDue(0, 100);
      expect(due?.claimed).toBeGreaterThanOrEqual(2);

      for (const { timer, armedBy } of armed) {
        expect(firingOf(timer).map(linkedTo)).toEqual([[armedBy]]);
      }
    });

    it('links the firing to the arming whichever wake-up fires it, in a worker', async () => {
      const worker = await start(true);
      try {
        const { timer, armedBy } = await armedIn('arm for the worker', KIND, 200);
        await app.scheduler.enqueue([timer]);
        await waitUntil(
          async () => (await app.store.readStream(timer.streamId)).length === 1,
          20_000,
          'the timer to fire',
        );
        await waitUntil(async () => firingOf(timer).length === 1, 5_000, 'its span to end');
        expect(linkedTo(firingOf(timer)[0])).toEqual([armedBy]);
      } finally {
        await worker.close();
      }
    });

    it('keeps no trace context with a timer armed while tracing is off', async () => {
      setTracingEnabled(false);
      try {
        const { timer } = await armedIn('untraced');
        expect(timer.trace).toBeNull();
      } finally {
        setTracingEnabled(true);
      }
    });
  },
);
