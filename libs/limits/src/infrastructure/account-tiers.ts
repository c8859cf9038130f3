import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventStore } from '@shiming/event-store';
import { verificationStreamId } from '@shiming/verification';
import { tierRecordOf, type AccountTierRecord, type Tier } from '../domain';

/** An account's tier record, with its main account's tier (null when not associated or unknown). */
export interface AccountTierView {
  record: AccountTierRecord;
  mainTier: Tier | null;
}

/**
 * Accounts' tiers, folded from their verification streams when asked: the tier is the
 * one the account holder was told, since the step that told them committed its events
 * before answering, whichever process asks and however far behind the subscriptions
 * are. Streams are short (a few dozen events); an associated account's main account
 * is read too, for its tier.
 */
@Injectable()
export class AccountTiers {
  constructor(private readonly store: EventStore) {}

  /** The account's record and its main account's tier; null before its first tier event. */
  async find(accountId: string, manager?: EntityManager): Promise<AccountTierView | null> {
    const record = await this.recordOf(accountId, manager);
    if (!record) return null;
    const main = record.mainAccountId ? await this.recordOf(record.mainAccountId, manager) : null;
    return { record, mainTier: main?.tier ?? null };
  }

  private async recordOf(accountId: string, manager?: EntityManager) {
    const events = await this.store.readStream(verificationStreamId(accountId), 1, {
      transaction: manager,
    });
    return tierRecordOf(events);
  }
}
