import { randomUUID } from 'node:crypto';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import { Queue, Worker } from 'bullmq';
import { DataSource } from 'typeorm';
import { loadConfig, redisConnectionOptions } from '@shiming/common';
import { EventTypeRegistry } from '@shiming/event-store';
import {
  CommandRunner,
  TimerHandlerRegistry,
  TimerScheduler,
  type Decider,
  type DueTimer,
  type RunCommand,
} from '@shiming/workflow';
import { WorkerModule } from '../apps/worker/src/worker.module';
import { ms, percentiles, type Latencies } from './support';

const TIMERS = Number(process.env.BENCH_TIMERS ?? 10_000);
// Due times are spread over this window, starting this far ahead, so that all of them
// are scheduled before the first is due.
const LEAD_MS = 15_000;

/**
 * Lateness of durable timers (PostgreSQL row, BullMQ wake-up, row lock, a command that
 * appends an event in the firing transaction) next to plain BullMQ delayed jobs that do
 * nothing, the lower bound for any timer built on BullMQ: with a handler that runs one
 * command per timer, and with a batch handler that runs a batch's commands together.
 */
export async function benchTimers(databaseUrl: string, spreadMs: number) {
  const prefix = `shiming-bench-${randomUUID().slice(0, 8)}`;
  const config = loadConfig({
    ...process.env,
    REDIS_URL: benchRedisUrl(),
    DATABASE_URL: databaseUrl,
    QUEUE_PREFIX: prefix,
    SANDBOX: 'false',
    LOG_LEVEL: 'warn',
  });
  console.log(`\n## Timer lateness (${TIMERS} timers due within ${spreadMs / 1000} s)\n`);

  const baseline = await plainBullmqLateness(
    benchRedisUrl(),
    `${prefix}-plain`,
    config.timers.concurrency,
    spreadMs,
  );

  const app: INestApplicationContext = await NestFactory.createApplicationContext(
    WorkerModule.forRoot(config),
    { logger: ['error', 'warn'] },
  );
  try {
    const fired = registerBenchTimers(app);
    const one = await durableLateness(app, 'bench-one', spreadMs, fired);
    const batch = await durableLateness(app, 'bench-batch', spreadMs, fired);
    console.log('| | p50 | p99 | max |');
    console.log('|---|---:|---:|---:|');
    const row = (name: string, l: Latencies) =>
      console.log(`| ${name} | ${ms(l.p50)} | ${ms(l.p99)} | ${ms(l.max)} |`);
    row('plain BullMQ delayed job', baseline);
    row('durable timer, a command per timer', one);
    row('durable timer, a batch handler (`runMany`)', batch);
    console.log(
      `\np99 ratio durable / plain: ${(one.p99 / Math.max(baseline.p99, 0.001)).toFixed(2)}× (a command per timer), ` +
        `${(batch.p99 / Math.max(baseline.p99, 0.001)).toFixed(2)}× (batch handler)`,
    );
  } finally {
    await app.close();
  }
}

/** Redis for the BullMQ figures: REDIS_URL, or the local server the tests use. */
export function benchRedisUrl(): string {
  return process.env.REDIS_URL || 'redis://127.0.0.1:6379';
}

/**
 * Registers the bench's timer kinds on a worker: `bench-one` runs a command per timer,
 * `bench-batch` the commands of a firing batch together. The map is told of each firing.
 */
export function registerBenchTimers(
  app: INestApplicationContext,
): Map<string, (timer: DueTimer) => void> {
  app.get(EventTypeRegistry).register({ type: 'Bench.TimerFired', schemaVersion: 1 });
  const runner = app.get(CommandRunner);
  const registry = app.get(TimerHandlerRegistry);
  const fired = new Map<string, (timer: DueTimer) => void>();
  const command = (timer: DueTimer): RunCommand<number, 'fire', BenchEvent> => ({
    streamId: timer.streamId,
    decider: FIRINGS,
    command: 'fire',
    commandId: timer.firingId,
    metadata: { actor: { type: 'system', id: 'bench' }, correlationId: timer.timerId },
  });
  registry.register('bench-one', async (timer, tx) => {
    await runner.run({ ...command(timer), transaction: tx });
    fired.get(timer.kind)?.(timer);
  });
  registry.registerBatch('bench-batch', async (timers, tx) => {
    await runner.runMany(timers.map(command), tx);
    timers.forEach((timer) => fired.get(timer.kind)?.(timer));
  });
  return fired;
}

type BenchEvent = { type: 'Bench.TimerFired'; data: Record<string, never> };

// What a timer's command does at the least: load its stream, decide, append one event.
const FIRINGS: Decider<number, 'fire', BenchEvent> = {
  initialState: () => 0,
  evolve: (count) => count + 1,
  decide: () => [{ type: 'Bench.TimerFired', data: {} }],
};

/**
 * Schedules TIMERS timers of `kind` through `app` (a `wf_timers` row each and its
 * wake-up), due over `spreadMs` from LEAD_MS ahead, on streams named after `streams`,
 * and waits until every one has fired.
 */
export async function durableLateness(
  app: INestApplicationContext,
  kind: string,
  spreadMs: number,
  fired: Map<string, (timer: DueTimer) => void>,
  streams = kind,
): Promise<Latencies> {
  const lateness: number[] = [];
  let resolveAll!: () => void;
  const all = new Promise<void>((resolve) => (resolveAll = resolve));
  fired.set(kind, (timer) => {
    lateness.push(Date.now() - timer.dueAt.getTime());
    if (lateness.length === TIMERS) resolveAll();
  });
  const scheduler = app.get(TimerScheduler);
  const dataSource = app.get<DataSource>(getDataSourceToken());
  const start = Date.now() + LEAD_MS;
  for (let batch = 0; batch < TIMERS; batch += 500) {
    const scheduled = await dataSource.transaction(async (tx) => {
      const out = [];
      for (let i = batch; i < Math.min(TIMERS, batch + 500); i++) {
        const dueAt = new Date(start + Math.floor((i / TIMERS) * spreadMs));
        out.push(await scheduler.schedule(tx, { streamId: `${streams}-${i}`, kind, dueAt }));
      }
      return out;
    });
    await scheduler.enqueue(scheduled);
  }
  if (Date.now() > start)
    console.warn('(scheduling took longer than the lead time; lateness is overstated)');
  await Promise.race([
    all,
    new Promise((_, reject) =>
      setTimeout(() => reject(new Error(`${kind} timers did not all fire`)), 120_000),
    ),
  ]);
  return percentiles(lateness);
}

async function plainBullmqLateness(
  redisUrl: string,
  prefix: string,
  concurrency: number,
  spreadMs: number,
) {
  const connection = redisConnectionOptions(redisUrl);
  const queue = new Queue('plain', { connection, prefix });
  const lateness: number[] = [];
  let resolveAll!: () => void;
  const all = new Promise<void>((resolve) => (resolveAll = resolve));
  const worker = new Worker(
    'plain',
    async (job) => {
      lateness.push(Date.now() - (job.data as { dueAt: number }).dueAt);
      if (lateness.length === TIMERS) resolveAll();
    },
    { connection, prefix, concurrency },
  );
  const start = Date.now() + LEAD_MS;
  for (let batch = 0; batch < TIMERS; batch += 500) {
    await queue.addBulk(
      Array.from({ length: Math.min(500, TIMERS - batch) }, (_, k) => {
        const dueAt = start + Math.floor(((batch + k) / TIMERS) * spreadMs);
        return {
          name: 'plain',
          data: { dueAt },
          opts: { delay: Math.max(0, dueAt - Date.now()), removeOnComplete: true },
        };
      }),
    );
  }
  await all;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  return percentiles(lateness);
}
