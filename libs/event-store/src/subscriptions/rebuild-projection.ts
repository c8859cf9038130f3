import type { DataSource } from 'typeorm';
import { EventStore } from '../event-store';
import { ProjectionNotRebuildableError } from '../event-store.errors';
import type { LogPosition } from '../event-store.types';
import { advanceCheckpoint, LOG_START, readCheckpoint } from './checkpoints';
import type { Projection } from './projection';
import { lockSubscription } from './subscription-lock';

export interface RebuildResult {
  projection: string;
  /** Events applied during the replay. */
  events: number;
  /** Where the rebuilt read model stands; its runner continues from here. */
  checkpoint: LogPosition;
}

/**
 * Empties a projection's read model and replays the whole log into it, in one
 * transaction: readers see the old read model until the rebuilt one commits, and
 * the projection's runners (which need the same lock) pause meanwhile.
 *
 * That transaction holds a transaction id from its first write to its commit, which
 * keeps the read horizon of every subscriber in the cluster behind it: they lag
 * (never skip) for as long as the rebuild runs. Events committed meanwhile are left
 * to the runner, since they sort after where the replay stops.
 */
export async function rebuildProjection(
  dataSource: DataSource,
  store: EventStore,
  projection: Projection,
  options: { batchSize: number },
): Promise<RebuildResult> {
  if (!projection.reset) throw new ProjectionNotRebuildableError(projection.name);
  const reset = projection.reset.bind(projection);
  return dataSource.transaction(async (tx) => {
    // Waits for a batch in flight; a queued waiter also keeps runners' try-locks out.
    await lockSubscription(tx, projection.name);
    const previous = await readCheckpoint(tx, projection.name);
    await reset(tx);
    let position = LOG_START;
    let events = 0;
    for (;;) {
      const page = await store.readAllPage(position, options.batchSize, {
        manager: tx,
        eventTypes: projection.eventTypes,
      });
      if (!page.lastScanned) break;
      if (page.events.length > 0) await projection.apply(page.events, tx);
      events += page.events.length;
      position = page.lastScanned;
    }
    await advanceCheckpoint(tx, projection.name, previous, position, projection.eventTypes);
    return { projection: projection.name, events, checkpoint: position };
  });
}
