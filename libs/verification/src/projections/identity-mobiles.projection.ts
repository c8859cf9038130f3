import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { PiiVault } from '@shiming/common';
import type { Projection, RecordedEvent } from '@shiming/event-store';
import { heldIdentity, type BankCardSubmitted } from '../domain';
import { IdentityMobiles } from '../infrastructure/identity-mobiles.repository';
import { PersonalData } from '../infrastructure/personal-data';
import { VerificationAccounts } from '../infrastructure/verification-accounts';
import { accountIdOfStream } from '../verification.streams';

/**
 * `identity_mobiles` from the log: the mobile of each card submitted, under the identity
 * it went with. The card step registers its mobile in its own transaction; this
 * subscription is there for the cards submitted before the lookup existed (it started
 * from the beginning of the log), and for a lookup that has to be made again. The mobile
 * is read from the event's ciphertext with the identity's data key; an erased identity
 * (its key shredded) has nothing to read, and is left out.
 */
@Injectable()
export class IdentityMobilesProjection implements Projection {
  static readonly NAME = 'verification-identity-mobiles';
  readonly name = IdentityMobilesProjection.NAME;
  readonly eventTypes = ['BankCardSubmitted'];

  constructor(
    private readonly accounts: VerificationAccounts,
    private readonly personalData: PersonalData,
    private readonly vault: PiiVault,
    private readonly mobiles: IdentityMobiles,
  ) {}

  async apply(events: RecordedEvent[], tx: EntityManager): Promise<void> {
    const cards = events.filter(
      (e) => e.type === 'BankCardSubmitted' && accountIdOfStream(e.streamId) !== null,
    );
    if (cards.length === 0) return;
    const accountIds = [...new Set(cards.map((e) => accountIdOfStream(e.streamId) as string))];
    const loaded = new Map(
      (await this.accounts.loadMany(accountIds, tx)).map((a) => [a.accountId, a]),
    );
    for (const event of cards) {
      const account = loaded.get(accountIdOfStream(event.streamId) as string);
      if (!account) continue;
      // The identity the card was encrypted under: the one held when it was submitted.
      const identity = heldIdentity(this.accounts.stateBefore(account, event.streamVersion));
      if (!identity?.subjectId) continue;
      if (!(await this.vault.holdUnlessShredded(identity.subjectId, tx))) continue;
      const { card } = event.data as BankCardSubmitted['data'];
      const { mobile } = await this.personalData.revealCard(identity, card, tx);
      await this.mobiles.register(mobile, identity.subjectId, tx);
    }
  }

  async reset(tx: EntityManager): Promise<void> {
    // Rows of live identities only: the card step and this replay write the same rows.
    await tx.query(`DELETE FROM identity_mobiles`);
  }
}
