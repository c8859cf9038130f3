import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Projection, RecordedEvent } from '@shiming/event-store';
import { VERIFICATION_EVENT_TYPES } from '../domain';
import { VerificationAccounts } from '../infrastructure/verification-accounts';
import { VerificationStatusRepository } from '../infrastructure/verification-status.repository';
import { accountIdOfStream } from '../verification.streams';
import { statusDocument } from './status-document';

/**
 * `verification_status`: the document each account polls. For every account touched
 * by a batch, its stream is folded again and the document replaced; streams are short,
 * and a document made from the whole stream cannot drift from it.
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
    const accountIds = new Set(
      events.map((e) => accountIdOfStream(e.streamId)).filter((id): id is string => id !== null),
    );
    for (const accountId of accountIds) {
      const account = await this.accounts.load(accountId, tx);
      await this.statuses.save(tx, statusDocument(account));
    }
  }

  async reset(tx: EntityManager): Promise<void> {
    await this.statuses.clear(tx);
  }
}
