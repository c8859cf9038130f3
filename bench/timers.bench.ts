import { randomUUID } from 'node:crypto';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import { Queue, Worker } from 'bullmq';
import { DataSource } from 'typeorm';
import { loadConfig, redisConnectionOptions } from '@shiming/common';
import { EventStore, EventTypeRegistry } from '@shiming/event-store';
import { TimerHandlerRegistry, TimerScheduler } from '@shiming/workflow';
import { WorkerModule } from '../apps/worker/src/worker.module';
import { ms, percentiles } from './support';

const TIMERS = Number(process.env.BENCH_TIMERS ?? 10_000);
// Due times are spread over this window, starting this far ahead, so that all of them
// are scheduled before the first is due.
const LEAD_MS = 15_000;

/**
 * Lateness of durable timers (PostgreSQL row, BullMQ wake-up, row lock, an event
 * appended in the firing transaction) next to plain BullMQ delayed jobs that do
 * nothing, the lower bound for any timer built on BullMQ.
 */
export async function benchTimers(databaseUrl: string, spreadMs: number) {
  const prefix = `shiming-bench-${randomUUID().slice(0, 8)}`;
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: databaseUrl,
    QUEUE_PREFIX: prefix,
    SANDBOX: 'false',
    LOG_LEVEL: 'warn',
  });
  console.log(`\n## Timer lateness (${TIMERS} timers due within ${spreadMs / 1000} s)\n`);

  const baseline = await plainBullmqLateness(
    config.redisUrl,
    `${prefix}-plain`,
    config.timers.concurrency,
    spreadMs,
  );

  const app: INestApplicationContext = await NestFactory.createApplicationContext(
    WorkerModule.forRoot(config),
    { logger: ['error', 'warn'] },
  );
  try {
    const lateness: number[] = [];
    const store = app.get(EventStore);
    app.get(EventTypeRegistry).register({ type: 'Bench.TimerFired', schemaVersion: 1 });
    let fired = 0;
    let resolveAll!: () => void;
    const all = new Promise<void>((resolve) => (resolveAll = resolve));
    app.get(TimerHandlerRegistry).register('bench', async (timer, tx) => {
      await store.append(
        timer.streamId,
        'any',
        [{ id: timer.firingId, type: 'Bench.TimerFired', data: {} }],
        {
          metadata: { actor: { type: 'system', id: 'bench' }, correlationId: timer.timerId },
          transaction: tx,
        },
      );
      lateness.push(Date.now() - timer.dueAt.getTime());
      if (++fired === TIMERS) resolveAll();
    });
    const scheduler = app.get(TimerScheduler);
    const dataSource = app.get<DataSource>(getDataSourceToken());
    const start = Date.now() + LEAD_MS;
    for (let batch = 0; batch < TIMERS; batch += 500) {
      const scheduled = await dataSource.transaction(async (tx) => {
        const out = [];
        for (let i = batch; i < Math.min(TIMERS, batch + 500); i++) {
          const dueAt = new Date(start + Math.floor((i / TIMERS) * spreadMs));
          out.push(
            await scheduler.schedule(tx, { streamId: `bench-timer-${i}`, kind: 'bench', dueAt }),
          );
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
        setTimeout(() => reject(new Error('timers did not all fire')), 120_000),
      ),
    ]);
    const ours = percentiles(lateness);
    console.log('| | p50 | p99 | max |');
    console.log('|---|---:|---:|---:|');
    console.log(
      `| plain BullMQ delayed job | ${ms(baseline.p50)} | ${ms(baseline.p99)} | ${ms(baseline.max)} |`,
    );
    console.log(
      `| durable timer (fires + appends an event) | ${ms(ours.p50)} | ${ms(ours.p99)} | ${ms(ours.max)} |`,
    );
    console.log(
      `\np99 ratio durable / plain: ${(ours.p99 / Math.max(baseline.p99, 0.001)).toFixed(2)}×`,
    );
  } finally {
    await app.close();
  }
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
