import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Projection, RecordedEvent } from '@shiming/event-store';
import { VERIFICATION_EVENT_TYPES } from '../domain';
import { VerificationAccounts } from '../infrastructure/verification-accounts';
import { VerificationStatusRepository } from '../infrastructure/verification-status.repository';
import { accountIdOfStream } from '../verification.streams';
import { statusDocument } from './status-document';

// Accounts read and written per statement when a rebuild makes the documents again.
const RESET_CHUNK = 500;

/**
 * `verification_status`: the document each account polls. Every command writes its
 * account's document in its own transaction (`VerificationReadModels`); this
 * subscription replays the log after them, for an event that reached a stream another
 * way, and rebuilds the table from the log. An account whose row already has a batch's
 * last event of it is skipped; the others are folded again from their whole streams
 * (read together) and their documents replaced in one statement (streams are short,
 * and a document made from the whole stream cannot drift from it).
 */
@Injectable()
export class VerificationStatusProjection implements Projection {
  static readonly NAME = 'verification-status';
  readonly name = VerificationStatusProjection.NAME;
  readonly eventTypes = VERIFICATION_EVENT_TYPES;

  constructor(
    private readonly accounts: VerificationAccounts,
    private readonly statuses: VerificationStatusRepository,
  ) {}

  async apply(events: RecordedEvent[], tx: EntityManager): Promise<void> {
    const newest = new Map<string, number>();
    for (const event of events) {
      const accountId = accountIdOfStream(event.streamId);
      if (accountId !== null) {
        newest.set(accountId, Math.max(newest.get(accountId) ?? 0, event.streamVersion));
      }
    }
    const stored = await this.statuses.versions(tx, [...newest.keys()]);
    // Usually none: each command wrote its account's document already. The others are
    // read in one statement and written in another, whatever their number.
    const behind = [...newest].filter(
      ([accountId, version]) => (stored.get(accountId) ?? 0) < version,
    );
    if (behind.length === 0) return;
    const accounts = await this.accounts.loadMany(
      behind.map(([accountId]) => accountId),
      tx,
    );
    await this.statuses.save(
      tx,
      accounts.filter((account) => account.version > 0).map((account) => statusDocument(account)),
    );
  }

  /**
   * Empties the table, then makes every account's document it had again from its
   * stream. The replay that follows reads the log only up to the oldest transaction
   * still running, so an account whose events all came after would otherwise have no
   * row until this subscription caught up: a status read would go back to
   * `not_started`. The replay then skips the accounts done here.
   */
  async reset(tx: EntityManager): Promise<void> {
    const accountIds = await this.statuses.clear(tx);
    for (let i = 0; i < accountIds.length; i += RESET_CHUNK) {
      const accounts = await this.accounts.loadMany(accountIds.slice(i, i + RESET_CHUNK), tx);
      await this.statuses.save(
        tx,
        accounts.filter((account) => account.version > 0).map((account) => statusDocument(account)),
      );
    }
  }
}
