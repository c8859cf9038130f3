import { benchDatabase, machine } from './support';
import { benchEventStore } from './event-store.bench';
import { benchTimers } from './timers.bench';
import { benchTimerWakeUps } from './timers-pg.bench';
import { benchBackofficeQueue } from './backoffice.bench';
import { benchStartup } from './startup.bench';
import { benchHttp } from './http.bench';

type Database = Awaited<ReturnType<typeof benchDatabase>>;

// Each section on a fresh database, so one's leftovers (autovacuum, a checkpoint
// flushing its writes) do not run during the next.
async function onFreshDatabase(section: (db: Database) => Promise<void>): Promise<void> {
  const db = await benchDatabase();
  try {
    await db.dataSource.query('CHECKPOINT');
    await section(db);
  } finally {
    await db.drop();
  }
}

// `npm run bench`: figures from one run on this machine, each next to a baseline
// measured in the same run. BENCH_SECONDS sets the length of each measurement;
// BENCH_ONLY=event-store|timers|timer-wake-ups|backoffice|http|startup runs one section.
async function main() {
  const only = process.env.BENCH_ONLY;
  const seconds = Number(process.env.BENCH_SECONDS ?? 5);
  console.log(`# Shiming benchmarks\n\nMachine: ${machine()}`);
  if (!only || only === 'event-store') {
    await onFreshDatabase(async ({ dataSource, url }) => {
      const [{ server_version }] = await dataSource.query('SHOW server_version');
      console.log(`PostgreSQL ${server_version}`);
      await benchEventStore(dataSource, url, seconds);
    });
  }
  if (!only || only === 'timers') {
    // 10,000 timers due within 3 s is more than this machine fires per second; within
    // 10 s it is not. Both are shown unless BENCH_TIMER_SPREAD_MS picks one.
    const spreads = process.env.BENCH_TIMER_SPREAD_MS
      ? [Number(process.env.BENCH_TIMER_SPREAD_MS)]
      : [3_000, 10_000];
    for (const spreadMs of spreads) {
      await onFreshDatabase(({ url }) => benchTimers(url, spreadMs));
    }
  }
  if (!only || only === 'timer-wake-ups') {
    await onFreshDatabase(({ url }) => benchTimerWakeUps(url, 10_000));
  }
  if (!only || only === 'backoffice') {
    await onFreshDatabase(({ dataSource }) => benchBackofficeQueue(dataSource));
  }
  if (!only || only === 'startup') await benchStartup();
  if (!only || only === 'http') {
    // A database per topology, made and dropped by the section.
    await benchHttp(seconds);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
