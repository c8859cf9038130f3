import { benchDatabase, machine } from './support';
import { benchEventStore } from './event-store.bench';
import { benchTimers } from './timers.bench';
import { benchBackofficeQueue } from './backoffice.bench';

// `npm run bench`: figures from one run on this machine, each next to a baseline
// measured in the same run. BENCH_SECONDS sets the length of each measurement.
async function main() {
  const only = process.env.BENCH_ONLY;
  if (only === 'backoffice') {
    const backoffice = await benchDatabase();
    try {
      await benchBackofficeQueue(backoffice.dataSource);
    } finally {
      await backoffice.drop();
    }
    return;
  }
  const seconds = Number(process.env.BENCH_SECONDS ?? 5);
  console.log(`# Shiming benchmarks\n\nMachine: ${machine()}`);
  if (only === 'timers') {
    const timers = await benchDatabase();
    try {
      await timers.dataSource.query('CHECKPOINT');
      await benchTimers(timers.url, Number(process.env.BENCH_TIMER_SPREAD_MS ?? 3_000));
    } finally {
      await timers.drop();
    }
    return;
  }
  if (only === 'event-store') {
    const stores = await benchDatabase();
    try {
      await benchEventStore(stores.dataSource, stores.url, seconds);
    } finally {
      await stores.drop();
    }
    return;
  }
  // Each section on a fresh database, so one's leftovers (autovacuum, a checkpoint
  // flushing its writes) do not run during the next.
  const stores = await benchDatabase();
  try {
    const [{ server_version }] = await stores.dataSource.query('SHOW server_version');
    console.log(`PostgreSQL ${server_version}`);
    await benchEventStore(stores.dataSource, stores.url, seconds);
  } finally {
    await stores.drop();
  }
  // 10,000 timers due within 3 s is more than this machine fires per second; within
  // 10 s it is not. Both are shown.
  for (const spreadMs of [3_000, 10_000]) {
    const timers = await benchDatabase();
    try {
      await timers.dataSource.query('CHECKPOINT');
      await benchTimers(timers.url, spreadMs);
    } finally {
      await timers.drop();
    }
  }
  const backoffice = await benchDatabase();
  try {
    await benchBackofficeQueue(backoffice.dataSource);
  } finally {
    await backoffice.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
