import { randomUUID } from 'node:crypto';
import { appendFiredEvent, startTimers } from './timers-harness';

// A worker process for timer-crash.int-spec: it fires timers through the real processor
// and firer, but its handler stops inside the firing transaction, after appending, and
// tells the parent so; the parent then kills it with SIGKILL.

interface CrashWorkerConfig {
  databaseUrl: string;
  redisUrl: string | null;
  prefix: string;
  kind: string;
}

export type CrashWorkerMessage = { type: 'ready' } | { type: 'appended'; timerId: string };

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2]) as CrashWorkerConfig;
  const send = (message: CrashWorkerMessage) => process.send?.(message);
  await startTimers({
    databaseUrl: config.databaseUrl,
    redisUrl: config.redisUrl,
    prefix: config.prefix,
    // Overdue timers are the processor's or the poller's here, not the reconciler's.
    timers: { runWorkers: true, graceMs: 3_600_000 },
    handlers: ({ store }) => ({
      [config.kind]: async (timer, tx) => {
        await appendFiredEvent(store, timer, tx, randomUUID());
        send({ type: 'appended', timerId: timer.timerId });
        await new Promise(() => undefined);
      },
    }),
  });
  send({ type: 'ready' });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
