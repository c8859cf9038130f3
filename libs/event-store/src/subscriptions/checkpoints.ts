import { preparedQuery } from '@shiming/common';
import type { EntityManager } from 'typeorm';
import { CheckpointConflictError } from '../event-store.errors';
import type { LogPosition } from '../event-store.types';

/** Before the first event: where a new subscriber starts and a rebuild restarts. */
export const LOG_START: LogPosition = Object.freeze({ transactionId: 0n, globalPosition: 0n });

export interface CheckpointStatus {
  subscription: string;
  position: LogPosition;
  updatedAt: Date;
  /** Failed batches since the last one that committed; 0 when healthy. */
  attempts: number;
  lastError: string | null;
  failedAt: Date | null;
}

interface CheckpointRow {
  subscription_id: string;
  transaction_id: string;
  global_position: string;
  updated_at: Date;
  attempts: number;
  last_error: string | null;
  failed_at: Date | null;
}

// Enough to tell one failure from another without storing a whole stack trace.
const MAX_ERROR_LENGTH = 2000;

/** Where the subscriber has got to; the start of the log when it has never run. */
export async function readCheckpoint(manager: EntityManager, name: string): Promise<LogPosition> {
  return (await checkpointStatus(manager, name))?.position ?? LOG_START;
}

export async function checkpointStatus(
  manager: EntityManager,
  name: string,
): Promise<CheckpointStatus | null> {
  const rows: CheckpointRow[] = await manager.query(
    `SELECT subscription_id, transaction_id, global_position, updated_at, attempts, last_error, failed_at
     FROM es_checkpoints WHERE subscription_id = $1`,
    [name],
  );
  if (rows.length === 0) return null;
  const row = rows[0];
  return {
    subscription: row.subscription_id,
    position: {
      transactionId: BigInt(row.transaction_id),
      globalPosition: BigInt(row.global_position),
    },
    updatedAt: row.updated_at,
    attempts: row.attempts,
    lastError: row.last_error,
    failedAt: row.failed_at,
  };
}

/**
 * Moves the checkpoint from `from` to `to` inside the subscriber's transaction, or
 * throws (rolling that transaction back) if it is no longer at `from`: the batch was
 * read from a checkpoint that someone else has since moved, so applying it could
 * repeat or skip events. `eventTypes` (those the subscriber handles; all when absent)
 * are stored with it for the lag and `checkpointReached`.
 */
export async function advanceCheckpoint(
  tx: EntityManager,
  name: string,
  from: LogPosition,
  to: LogPosition,
  eventTypes?: readonly string[],
): Promise<void> {
  if (!(await moveCheckpoint(tx, name, from, to, eventTypes))) {
    throw new CheckpointConflictError(name);
  }
}

/** `advanceCheckpoint` that answers false instead of throwing when the checkpoint moved. */
export async function moveCheckpoint(
  tx: EntityManager,
  name: string,
  from: LogPosition,
  to: LogPosition,
  eventTypes?: readonly string[],
): Promise<boolean> {
  // Operational timestamps are the database's wall time, not the (possibly
  // simulated) domain clock.
  const rows: unknown[] = await preparedQuery(
    tx,
    `INSERT INTO es_checkpoints AS c
       (subscription_id, transaction_id, global_position, updated_at, event_types)
     VALUES ($1, $4::xid8, $5, now(), $6::text[])
     ON CONFLICT (subscription_id) DO UPDATE
       SET transaction_id = EXCLUDED.transaction_id,
           global_position = EXCLUDED.global_position,
           updated_at = now(),
           attempts = 0,
           event_types = EXCLUDED.event_types
       WHERE c.transaction_id = $2::xid8 AND c.global_position = $3
     RETURNING 1`,
    [
      name,
      String(from.transactionId),
      String(from.globalPosition),
      String(to.transactionId),
      String(to.globalPosition),
      eventTypes ? [...eventTypes] : null,
    ],
  );
  return rows.length > 0;
}

/**
 * Whether the subscriber has done everything up to `position`: its checkpoint is
 * there, or no event it handles lies between its checkpoint and `position` and
 * `position` is below the read horizon (a lazily written checkpoint stays behind the
 * events it skips). One statement, so the horizon and the rows share a snapshot.
 */
export async function checkpointReached(
  manager: EntityManager,
  name: string,
  position: LogPosition,
): Promise<boolean> {
  const rows: { reached: boolean }[] = await manager.query(
    `SELECT (c.transaction_id, c.global_position) >= ($2::xid8, $3::bigint)
            OR ($2::xid8 < pg_snapshot_xmin(pg_current_snapshot()) AND NOT EXISTS (
                  SELECT 1 FROM es_events e
                  WHERE (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position)
                    AND (e.transaction_id, e.global_position) <= ($2::xid8, $3::bigint)
                    AND (c.event_types IS NULL OR e.event_type = ANY(c.event_types))))
              AS reached
     FROM es_checkpoints c WHERE c.subscription_id = $1`,
    [name, String(position.transactionId), String(position.globalPosition)],
  );
  return rows[0]?.reached === true;
}

/**
 * Records a failed batch on the checkpoint row, in its own statement (the batch's
 * transaction is already rolled back). Returns the number of consecutive failures.
 */
export async function recordFailure(
  manager: EntityManager,
  name: string,
  error: unknown,
): Promise<number> {
  const text =
    error instanceof Error
      ? `${error.name}: ${error.message}`
      : `Non-error thrown: ${String(error)}`;
  const rows: { attempts: number }[] = await manager.query(
    `INSERT INTO es_checkpoints AS c (subscription_id, attempts, last_error, failed_at)
     VALUES ($1, 1, $2, now())
     ON CONFLICT (subscription_id) DO UPDATE
       SET attempts = c.attempts + 1, last_error = EXCLUDED.last_error, failed_at = EXCLUDED.failed_at
     RETURNING attempts`,
    [name, text.slice(0, MAX_ERROR_LENGTH)],
  );
  return rows[0].attempts;
}
