import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';

/**
 * A stable 64-bit advisory lock key for a name, the same in every process. The names
 * carry a prefix of their own, apart from other users of single-key advisory locks.
 */
export function advisoryLockKey(name: string): string {
  return createHash('sha256').update(name).digest().readBigInt64BE(0).toString();
}

/** Waits for the lock; held until `tx` commits or rolls back. */
export async function lockForTransaction(tx: EntityManager, name: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [advisoryLockKey(name)]);
}
