import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';

/**
 * The advisory lock key of a subscription: a stable 64-bit hash of its name, the
 * same in every process and across restarts. The prefix keeps it apart from other
 * users of single-key advisory locks.
 */
export function subscriptionLockKey(name: string): string {
  return createHash('sha256')
    .update(`es-subscription:${name}`)
    .digest()
    .readBigInt64BE(0)
    .toString();
}

/**
 * Takes the subscription's lock for the rest of `tx`, or returns false when another
 * transaction holds it. An advisory lock assigns no transaction id.
 */
export async function tryLockSubscription(tx: EntityManager, name: string): Promise<boolean> {
  const rows: { locked: boolean }[] = await tx.query(
    'SELECT pg_try_advisory_xact_lock($1::bigint) AS locked',
    [subscriptionLockKey(name)],
  );
  return rows[0].locked;
}

/** Waits for the subscription's lock, held until `tx` ends. */
export async function lockSubscription(tx: EntityManager, name: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [subscriptionLockKey(name)]);
}
