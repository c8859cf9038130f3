import { Injectable } from '@nestjs/common';
import type { Projection, RecordedEvent } from '@shiming/event-store';
import type { EntityManager } from 'typeorm';
import {
  accountOfVerificationStream,
  evolveTier,
  isTierEvent,
  TIER_EVENT_TYPES,
  type AccountTierRecord,
} from '../domain';
import { LimitsRepository } from '../infrastructure/limits.repository';

/**
 * Each account's tier, from the verification events that change it (`account_limits`).
 * Rebuildable: a reset empties the table and the log fills it again.
 */
@Injectable()
export class AccountLimitsProjection implements Projection {
  readonly name = 'account_limits';
  readonly eventTypes = TIER_EVENT_TYPES;

  constructor(private readonly repository: LimitsRepository) {}

  async apply(events: RecordedEvent[], tx: EntityManager): Promise<void> {
    // One row per account per batch; the fold starts from nothing, which every tier
    // event overwrites, and the main account is kept by the upsert.
    const records = new Map<string, AccountTierRecord>();
    for (const event of events) {
      const accountId = accountOfVerificationStream(event.streamId);
      if (accountId === null || !isTierEvent(event)) continue;
      records.set(accountId, evolveTier(records.get(accountId) ?? null, event));
    }
    await this.repository.saveTierRecords(tx, records);
  }

  async reset(tx: EntityManager): Promise<void> {
    await this.repository.deleteTierRecords(tx);
  }
}
