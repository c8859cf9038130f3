import { Injectable } from '@nestjs/common';
import type { Projection, RecordedEvent } from '@shiming/event-store';
import type { EntityManager } from 'typeorm';
import { LIMITS_STREAM_PREFIX, type LimitAuthorized } from '../domain';
import { LimitsRepository, type UsageRow } from '../infrastructure/limits.repository';

/** The usage row an approval leaves behind: the month-to-date totals it carries. */
export function usageRowOf(event: {
  streamVersion: number;
  data: LimitAuthorized['data'];
}): UsageRow {
  return {
    holderAccountId: event.data.holderAccountId,
    month: event.data.month,
    collectedFen: event.data.usage.collectedFen,
    paidFen: event.data.usage.paidFen,
    streamVersion: event.streamVersion,
    updatedAt: event.data.at,
  };
}

/**
 * Month-to-date usage per allowance (`account_limit_usage`). The authorization writes
 * its row in its own transaction, so reads are exact; this subscription only replays
 * what is already there (a row never moves back to an older event) and makes the table
 * rebuildable. A rebuild holds the rows it deleted until it commits, so authorizations
 * of those accounts wait for it: rebuild when traffic is low.
 */
@Injectable()
export class AccountLimitUsageProjection implements Projection {
  readonly name = 'account_limit_usage';
  readonly eventTypes = ['LimitAuthorized'] as const;

  constructor(private readonly repository: LimitsRepository) {}

  async apply(events: RecordedEvent[], tx: EntityManager): Promise<void> {
    // The newest event per row: one statement cannot update a row twice.
    const rows = new Map<string, UsageRow>();
    for (const event of events) {
      if (event.type !== 'LimitAuthorized' || !event.streamId.startsWith(LIMITS_STREAM_PREFIX)) {
        continue;
      }
      const row = usageRowOf(event as RecordedEvent<LimitAuthorized['data']>);
      const key = `${row.holderAccountId}\u0000${row.month}`;
      const known = rows.get(key);
      if (!known || known.streamVersion < row.streamVersion) rows.set(key, row);
    }
    await this.repository.saveUsage(tx, [...rows.values()]);
  }

  async reset(tx: EntityManager): Promise<void> {
    await this.repository.deleteUsage(tx);
  }
}
