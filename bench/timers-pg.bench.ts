import { randomUUID } from 'node:crypto';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ensureRedis, loadConfig, type AppConfig } from '@shiming/common';
import { TimerPoller, TimerScheduler } from '@shiming/workflow';
import { PlatformModule } from '../apps/shared/platform.module';
import { WorkerModule } from '../apps/worker/src/worker.module';
import { ms, type Latencies } from './support';
import { benchRedisUrl, durableLateness, registerBenchTimers } from './timers.bench';

const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 30);
const IDLE_TIMERS = 1_000;

type WakeUp = 'BullMQ' | 'PostgreSQL';

/**
 * The two wake-ups of durable timers side by side, in one run on one database: BullMQ
 * (Redis) and PostgreSQL alone (the poller). As in production, the timers are armed in
 * one process (an api: the relay adds jobs, or a NOTIFY tells the poller) and fired in
 * another (a worker). Then how often an idle PostgreSQL wake-up asks the database
 * anything, with timers due only hours later.
 */
export async function benchTimerWakeUps(databaseUrl: string, spreadMs: number): Promise<void> {
  const redisUrl = benchRedisUrl();
  const redis = await ensureRedis(redisUrl).then(
    () => true,
    () => false,
  );
  const timers = Number(process.env.BENCH_TIMERS ?? 10_000);
  console.log(
    `\n## Timer wake-ups: BullMQ and PostgreSQL (${timers} timers due within ${spreadMs / 1000} s)\n`,
  );
  if (!redis) console.log(`(no Redis at ${redisUrl}: the BullMQ figures are skipped)\n`);
  const configOf = (wakeUp: WakeUp) =>
    loadConfig({
      ...process.env,
      DATABASE_URL: databaseUrl,
      REDIS_URL: wakeUp === 'BullMQ' ? redisUrl : '',
      QUEUE_PREFIX: `shiming-bench-${randomUUID().slice(0, 8)}`,
      SANDBOX: 'false',
      LOG_LEVEL: 'warn',
    });
  const wakeUps: WakeUp[] = redis ? ['BullMQ', 'PostgreSQL'] : ['PostgreSQL'];
  const rows: [string, WakeUp, Latencies][] = [];
  // Alternating, so that the machine's slower moments weigh on both.
  for (const [kind, handler] of [
    ['bench-batch', 'a batch handler (`runMany`)'],
    ['bench-one', 'a command per timer'],
  ] as const) {
    for (const wakeUp of wakeUps) {
      const lateness = await withApps(configOf(wakeUp), async (api, worker) =>
        durableLateness(
          api,
          kind,
          spreadMs,
          registerBenchTimers(worker),
          `${kind}-${wakeUp}-${randomUUID().slice(0, 8)}`,
        ),
      );
      rows.push([handler, wakeUp, lateness]);
    }
  }
  console.log('| handler | wake-up | p50 | p99 | max |');
  console.log('|---|---|---:|---:|---:|');
  for (const [handler, wakeUp, l] of rows) {
    console.log(`| ${handler} | ${wakeUp} | ${ms(l.p50)} | ${ms(l.p99)} | ${ms(l.max)} |`);
  }
  await idleLooks(configOf('PostgreSQL'));
}

/** An api-like context (no workers) that arms timers, and a worker that fires them. */
async function withApps<T>(
  config: AppConfig,
  work: (api: INestApplicationContext, worker: INestApplicationContext) => Promise<T>,
): Promise<T> {
  const worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    logger: ['error', 'warn'],
  });
  try {
    const api = await NestFactory.createApplicationContext(
      PlatformModule.forRoot(config, { process: 'api', runWorkers: false }),
      { logger: ['error', 'warn'] },
    );
    try {
      return await work(api, worker);
    } finally {
      await api.close();
    }
  } finally {
    await worker.close();
  }
}

/** How many times an idle poller looks at `wf_timers` while nothing is due for hours. */
async function idleLooks(config: AppConfig): Promise<void> {
  await withApps(config, async (api, worker) => {
    const dataSource = api.get<DataSource>(getDataSourceToken());
    const scheduler = api.get(TimerScheduler);
    const dueAt = new Date(Date.now() + 2 * 3_600_000);
    const armed = await dataSource.transaction(async (tx) => {
      const out = [];
      for (let i = 0; i < IDLE_TIMERS; i++) {
        out.push(await scheduler.schedule(tx, { streamId: `idle-${i}`, kind: 'bench-one', dueAt }));
      }
      return out;
    });
    registerBenchTimers(worker);
    await scheduler.enqueue(armed);
    // The poller's own repository: what it asks the database.
    const repository = (
      worker.get(TimerPoller) as unknown as {
        repository: Record<'nextWakeAt' | 'claimDue', (...args: never[]) => unknown>;
      }
    ).repository;
    const counts = { nextWakeAt: 0, claimDue: 0 };
    const count = <K extends keyof typeof counts>(name: K) => {
      const original = repository[name].bind(repository);
      repository[name] = (...args: never[]) => {
        counts[name]++;
        return original(...args);
      };
    };
    count('nextWakeAt');
    count('claimDue');
    await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1_000));
    console.log(
      `\nIdle PostgreSQL wake-up, ${IDLE_TIMERS} timers due in 2 h, over ${IDLE_SECONDS} s: ` +
        `${counts.claimDue} claim(s) and ${counts.nextWakeAt} look(s) for the next due time ` +
        `(TIMER_POLL_MAX_IDLE_MS=${config.timers.pollMaxIdleMs}).`,
    );
    await dataSource.query(`UPDATE wf_timers SET status = 'cancelled', cancelled_at = now()
      WHERE status = 'scheduled' AND stream_id LIKE 'idle-%'`);
  });
}
