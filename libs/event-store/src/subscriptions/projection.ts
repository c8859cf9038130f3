import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '../event-store.types';

/**
 * A durable subscriber to the global log: a projection that maintains a read model,
 * or a process manager that reacts by appending to other streams. Each batch is
 * applied in one transaction together with the subscriber's checkpoint, so its
 * effect happens exactly once, whatever crashes in between.
 */
export interface Projection {
  /** Names the checkpoint and the lock. A new name starts again from position 0. */
  readonly name: string;
  /** Only events of these types are applied; all when absent. */
  readonly eventTypes?: readonly string[];
  /**
   * Waits on outside parties in `apply` (through transactions of its own). Applied
   * first in a batch, before any subscriber's write gives the batch's transaction an
   * id that would hold back the read horizon of every subscriber while it waits.
   */
  readonly waitsOnOutsideParties?: boolean;
  /**
   * Applies events in log order. Write only through `tx` (appends too:
   * `store.append(…, { transaction: tx })`), so that everything commits with the
   * checkpoint, or nothing does. Throwing rolls the batch back; it is retried.
   */
  apply(events: RecordedEvent[], tx: EntityManager): Promise<void>;
  /**
   * Empties the read model before a rebuild. Use DELETE, not TRUNCATE: TRUNCATE's
   * exclusive lock would block readers until the rebuild commits, where DELETE lets
   * them see the old read model meanwhile. Absent on process managers, which must
   * not be replayed (their reactions would happen twice).
   */
  reset?(tx: EntityManager): Promise<void>;
}
