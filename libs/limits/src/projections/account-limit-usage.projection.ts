import { Injectable } from '@nestjs/common';
import type { Projection, RecordedEvent } from '@shiming/event-store';
import type { EntityManager } from 'typeorm';
import { LIMITS_STREAM_PREFIX, usageAfter, type LimitAuthorized } from '../domain';
import { LimitsRepository, type UsageRow } from '../infrastructure/limits.repository';

/**
 * Month-to-date usage per allowance (`account_limit_usage`). An authorization's effects
 * write its row in its own transaction, so reads are exact; this subscription only replays
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
      const row = usageAfter(
        (event as RecordedEvent<LimitAuthorized['data']>).data,
        event.streamVersion,
      );
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
