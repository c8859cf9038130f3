import { DataSource } from 'typeorm';
import { EventStore } from '@shiming/event-store';
import {
  CLOCK,
  TestClock,
  TimerFirer,
  TimerPoller,
  TimerReconciler,
  type FireOutcome,
} from '@shiming/workflow';
import type { Sandbox } from './journey';

/**
 * Moves the sandbox clock `forwardMs` without firing anything, then fires the scheduled
 * `kind` timers of `streamIds` the way the worker does when their wake-ups arrive
 * together: one `fireMany` batch. The reconciler and the PostgreSQL poller wait
 * meanwhile, so they fire none of them on their own. Answers each firing's outcome, how many transactions wrote the
 * events those timers' streams got from the firing, and how many `appendEach`
 * statements (a batch handler's one append) wrote to those streams.
 */
export async function fireTogether(
  sandbox: Sandbox,
  kind: string,
  streamIds: string[],
  forwardMs: number,
): Promise<{
  outcomes: (FireOutcome['outcome'] | 'failed')[];
  transactions: number;
  appendStatements: number;
}> {
  const db = sandbox.app.get(DataSource);
  const armings: { timerId: string; generation: number }[] = await db.query(
    `SELECT timer_id AS "timerId", generation FROM wf_timers
      WHERE kind = $1 AND status = 'scheduled' AND stream_id = ANY($2)`,
    [kind, streamIds],
  );
  const reconciler = sandbox.app.get(TimerReconciler);
  const poller = sandbox.app.get(TimerPoller);
  const appendEach = jest.spyOn(sandbox.app.get(EventStore), 'appendEach');
  await reconciler.stop();
  await poller.stop();
  let results: PromiseSettledResult<FireOutcome>[];
  try {
    const clock = sandbox.app.get<TestClock>(CLOCK);
    await clock.set(new Date(clock.now().getTime() + forwardMs));
    results = await sandbox.app.get(TimerFirer).fireMany(armings);
  } finally {
    reconciler.start();
    await poller.start();
  }
  const appendStatements = appendEach.mock.calls.filter(([appends]) =>
    appends.some((a) => streamIds.includes(a.streamId)),
  ).length;
  appendEach.mockRestore();
  const [{ transactions }]: { transactions: number }[] = await db.query(
    `SELECT count(DISTINCT transaction_id)::int AS transactions FROM es_events
      WHERE stream_id = ANY($1) AND metadata->'actor'->>'id' = $2`,
    [streamIds, `timer:${kind}`],
  );
  return {
    outcomes: results.map((r) => (r.status === 'fulfilled' ? r.value.outcome : 'failed')),
    transactions,
    appendStatements,
  };
}
