import { BullModule, getQueueToken } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { dataSourceOptions } from '@shiming/common';
import { EventStore, EventTypeRegistry, type EventMetadata } from '@shiming/event-store';
import type { Queue } from 'bullmq';
import type { RedisOptions } from 'ioredis';
import { DataSource } from 'typeorm';
import { CLOCK, type Clock } from '../../clock/clock';
import { QueueName } from '../queue-name';
import type { TimerJobData } from '../timer-jobs';
import { TimerFirer } from '../timer.firer';
import { TimerPoller } from '../timer.poller';
import { TimerProcessor } from '../timer.processor';
import { TimerReconciler } from '../timer.reconciler';
import { TimerRelay } from '../timer.relay';
import { TimerScheduler } from '../timer.scheduler';
import { TimerHandlerRegistry } from '../timer-handler.registry';
import type { TimerHandler, TimersModuleOptions, TimerWakeUp } from '../timer.types';
import { TimersModule } from '../timers.module';

// Test support for the timers' integration specs and the crash fixture; not exported.

export const TEST_EVENT = 'TimerTest.Fired';

export const systemMetadata: EventMetadata = {
  actor: { type: 'system', id: 'timers' },
  correlationId: 'timers-test',
};

export interface HarnessContext {
  store: EventStore;
  scheduler: TimerScheduler;
  clock: Clock;
}

/** One way of waking timers up, as a spec runs it: BullMQ on Redis, or PostgreSQL alone. */
export interface WakeUpPath {
  name: string;
  wakeUp: TimerWakeUp;
  /** Null: no Redis at all. */
  redisUrl: string | null;
}

/**
 * Both wake-up paths, for `describe.each`: PostgreSQL alone always, BullMQ when the
 * tests have a Redis (`redisUrl`), saying so in the output when they have not.
 */
export function wakeUpPaths(redisUrl: string | null | undefined, spec: string): WakeUpPath[] {
  const postgres: WakeUpPath = { name: 'PostgreSQL poller', wakeUp: 'postgres', redisUrl: null };
  if (!redisUrl) {
    saySkipped(`no Redis configured for the tests: ${spec}, BullMQ wake-up path`);
    return [postgres];
  }
  return [{ name: 'BullMQ', wakeUp: 'bullmq', redisUrl }, postgres];
}

/**
 * `describe` for a spec about Redis itself when the tests have one (`redisUrl`), else
 * `describe.skip`, saying so in the output.
 */
export function describeWithRedis(redisUrl: string | null | undefined, spec: string) {
  if (redisUrl) return describe;
  saySkipped(`no Redis configured for the tests: ${spec}`);
  return describe.skip;
}

/** One line in the test run's output, also for a file whose tests are all skipped. */
export function saySkipped(why: string): void {
  // Jest shows no console output of a file without a test that ran.
  process.stderr.write(`SKIPPED (${why})\n`);
}

export interface HarnessOptions {
  databaseUrl: string;
  /** Null: no Redis, the PostgreSQL poller wakes the timers. */
  redisUrl: string | null;
  prefix: string;
  timers?: Partial<TimersModuleOptions>;
  handlers?: (context: HarnessContext) => Record<string, TimerHandler>;
  poolSize?: number;
}

export interface TimersHarness extends HarnessContext {
  module: TestingModule;
  dataSource: DataSource;
  registry: TimerHandlerRegistry;
  /** Null without Redis. */
  relay: TimerRelay | null;
  firer: TimerFirer;
  reconciler: TimerReconciler;
  /** Null without Redis. */
  queue: Queue<TimerJobData> | null;
  /** Null unless `runWorkers`. */
  poller: TimerPoller | null;
  close(): Promise<void>;
}

/** Connection options for BullMQ from a redis:// URL (its path picks the logical database). */
export function redisConnection(redisUrl: string): RedisOptions {
  const url = new URL(redisUrl);
  const db = url.pathname.replace(/^\//, '');
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : 6379,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: db ? Number(db) : 0,
    maxRetriesPerRequest: null,
  };
}

/**
 * The timers module as an app wires it, over its own connection pool: with `runWorkers`
 * it is a worker process of its own (processor and reconciler).
 */
export async function startTimers(options: HarnessOptions): Promise<TimersHarness> {
  const dataSource = await new DataSource(
    dataSourceOptions({
      databaseUrl: options.databaseUrl,
      migrations: [],
      poolSize: options.poolSize ?? 20,
    }),
  ).initialize();

  @Global()
  @Module({ providers: [{ provide: DataSource, useValue: dataSource }], exports: [DataSource] })
  class TestDatabaseModule {}

  const redisUrl = options.redisUrl;
  const module = await Test.createTestingModule({
    imports: [
      TestDatabaseModule,
      ...(redisUrl
        ? [BullModule.forRoot({ connection: redisConnection(redisUrl), prefix: options.prefix })]
        : []),
      TimersModule.forRoot({
        runWorkers: false,
        wakeUp: redisUrl ? 'bullmq' : 'postgres',
        sandbox: false,
        lookaheadMs: 10 * 60_000,
        reconcileIntervalMs: 60_000,
        concurrency: 8,
        ...options.timers,
      }),
    ],
  }).compile();
  module.useLogger(['error']);

  const clock = module.get<Clock>(CLOCK);
  const store = new EventStore(
    dataSource,
    new EventTypeRegistry().register({ type: TEST_EVENT, schemaVersion: 1 }),
    clock,
  );
  const scheduler = module.get(TimerScheduler);
  const registry = module.get(TimerHandlerRegistry);
  for (const [kind, handler] of Object.entries(
    options.handlers?.({ store, scheduler, clock }) ?? {},
  )) {
    registry.register(kind, handler);
  }
  try {
    await module.init();
  } catch (error) {
    // Nest's close() rethrows a failed init instead of running the shutdown hooks. Closing a
    // BullMQ connection that is still connecting makes it emit an unhandled error: wait first.
    if (redisUrl) {
      const closing = [module.get<Queue>(getQueueToken(QueueName.Timers))];
      if (options.timers?.runWorkers) closing.push(module.get(TimerProcessor).worker as never);
      for (const client of closing) {
        await client.waitUntilReady();
        await client.close();
      }
    }
    if (options.timers?.runWorkers) await module.get(TimerPoller).stop();
    await dataSource.destroy();
    throw error;
  }
  try {
    return {
      module,
      dataSource,
      store,
      scheduler,
      clock,
      registry,
      relay: redisUrl ? module.get(TimerRelay) : null,
      firer: module.get(TimerFirer),
      reconciler: module.get(TimerReconciler),
      queue: redisUrl ? module.get<Queue<TimerJobData>>(getQueueToken(QueueName.Timers)) : null,
      poller: options.timers?.runWorkers ? module.get(TimerPoller) : null,
      close: async () => {
        await module.close();
        await dataSource.destroy();
      },
    };
  } catch (error) {
    await module.close();
    await dataSource.destroy();
    throw error;
  }
}

/** Polls `check` until it returns true, failing after `timeoutMs`. */
export async function waitUntil(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Appends the event a test handler produces for a timer, inside the firing transaction. */
export function appendFiredEvent(
  store: EventStore,
  timer: { streamId: string; timerId: string; generation: number; kind: string },
  tx: Parameters<TimerHandler>[1],
  eventId: string,
) {
  return store.append(
    timer.streamId,
    'any',
    [
      {
        id: eventId,
        type: TEST_EVENT,
        data: { timerId: timer.timerId, generation: timer.generation, kind: timer.kind },
      },
    ],
    { metadata: systemMetadata, transaction: tx },
  );
}
