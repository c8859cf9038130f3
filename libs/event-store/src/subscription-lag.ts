import type { DataSource, EntityManager } from 'typeorm';

/** How far a subscription is behind the log. */
export interface SubscriptionLag {
  subscriptionId: string;
  /** Positions between its checkpoint and the log's head (gaps of rolled-back writes count). */
  events: number;
  /** Age of the first event it has not processed; 0 when caught up. */
  seconds: number;
  /** Failed batches since its last commit (0 = healthy). */
  attempts: number;
}

/**
 * The lag of every subscription with a checkpoint, in one statement of index look-ups
 * (the log's head, and the first event after each checkpoint), cheap enough for every
 * scrape and probe.
 */
export async function readSubscriptionLag(
  db: DataSource | EntityManager,
  /** The clock that stamps events (the sandbox's test clock may be ahead of the database's). */
  now: Date = new Date(),
): Promise<SubscriptionLag[]> {
  const rows: {
    subscription_id: string;
    events: string;
    seconds: string | null;
    attempts: number;
  }[] = await db.query(
    `
    SELECT c.subscription_id,
           GREATEST(COALESCE((SELECT max(global_position) FROM es_events), 0) - c.global_position, 0)
             AS events,
           EXTRACT(EPOCH FROM $1::timestamptz - (
             SELECT e.recorded_at FROM es_events e
             WHERE e.global_position > c.global_position
             ORDER BY e.global_position LIMIT 1)) AS seconds,
           c.attempts
    FROM es_checkpoints c
    ORDER BY c.subscription_id`,
    [now],
  );
  return rows.map((row) => ({
    subscriptionId: row.subscription_id,
    events: Number(row.events),
    seconds: row.seconds === null ? 0 : Math.max(0, Number(row.seconds)),
    attempts: Number(row.attempts),
  }));
}
