import { benchDatabase, machine } from './support';
import { benchEventStore } from './event-store.bench';
import { benchTimers } from './timers.bench';

// `npm run bench`: figures from one run on this machine, each next to a baseline
// measured in the same run. BENCH_SECONDS sets the length of each measurement.
async function main() {
  const seconds = Number(process.env.BENCH_SECONDS ?? 5);
  console.log(`# Shiming benchmarks\n\nMachine: ${machine()}`);
  const db = await benchDatabase();
  try {
    const [{ server_version }] = await db.dataSource.query('SHOW server_version');
    console.log(`PostgreSQL ${server_version}`);
    await benchEventStore(db.dataSource, db.url, seconds);
    await benchTimers(db.url);
  } finally {
    await db.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
