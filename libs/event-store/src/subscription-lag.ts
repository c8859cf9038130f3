import type { DataSource, EntityManager } from 'typeorm';

/** How far a subscription is behind the log. */
export interface SubscriptionLag {
  subscriptionId: string;
  /**
   * Positions from the first event it has yet to handle to the log's head (gaps of
   * rolled-back writes count); 0 when it has none.
   */
  events: number;
  /** Age of the first event it has yet to handle; 0 when there is none. */
  seconds: number;
  /** Failed batches since its last commit (0 = healthy). */
  attempts: number;
}

/**
 * The lag of every subscription with a checkpoint, in one statement of index look-ups
 * (the log's head, and the first event after each checkpoint of the types it handles),
 * cheap enough for every scrape and probe. A checkpoint is written lazily while a
 * subscription passes over events of other types, so only its own types count.
 */
export async function readSubscriptionLag(
  db: DataSource | EntityManager,
  /** The clock that stamps events (the sandbox's test clock may be ahead of the database's). */
  now: Date = new Date(),
): Promise<SubscriptionLag[]> {
  const rows: {
    subscription_id: string;
    events: string | null;
    seconds: string | null;
    attempts: number;
  }[] = await db.query(
    `
    SELECT c.subscription_id,
           (SELECT max(global_position) FROM es_events) - first.global_position + 1 AS events,
           EXTRACT(EPOCH FROM $1::timestamptz - first.recorded_at) AS seconds,
           c.attempts
    FROM es_checkpoints c
    LEFT JOIN LATERAL (
      SELECT e.global_position, e.recorded_at FROM es_events e
      WHERE (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position)
        AND (c.event_types IS NULL OR e.event_type = ANY(c.event_types))
      ORDER BY e.transaction_id, e.global_position
      LIMIT 1) first ON true
    ORDER BY c.subscription_id`,
    [now],
  );
  return rows.map((row) => ({
    subscriptionId: row.subscription_id,
    events: row.events === null ? 0 : Math.max(0, Number(row.events)),
    seconds: row.seconds === null ? 0 : Math.max(0, Number(row.seconds)),
    attempts: Number(row.attempts),
  }));
}
