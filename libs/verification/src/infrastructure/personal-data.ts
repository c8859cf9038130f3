import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { KeyedHash, maskIdNumber, maskName, PiiVault } from '@shiming/common';
import { ID_GENERATOR, type IdGenerator } from '@shiming/workflow';
import type { SubmittedBankCard, SubmittedIdentity } from '../domain';
import { IdentityLookup } from './identity-lookup.repository';
import { IdentityMobiles } from './identity-mobiles.repository';

export interface IdentityInClear {
  name: string;
  idNumber: string;
}

export interface CardInClear {
  cardNumber: string;
  mobile: string;
}

/**
 * The only place where the verification context turns personal data into what events
 * may carry (ciphertext and opaque ids) and back. Each submitted identity gets a data
 * key of its own (`subjectId`), under which its card and documents are encrypted too,
 * so that shredding that one key erases everything the submission brought.
 */
@Injectable()
export class PersonalData {
  constructor(
    private readonly vault: PiiVault,
    private readonly hash: KeyedHash,
    private readonly lookup: IdentityLookup,
    private readonly mobiles: IdentityMobiles,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  /**
   * Encrypts a submitted identity under a new data key and records it in the occupancy
   * lookup, in `tx`: if the submission is not recorded, neither is left behind.
   */
  async protectIdentity(identity: IdentityInClear, tx: EntityManager): Promise<SubmittedIdentity> {
    // A fresh subject per submission: a shredded subject can never get a key again.
    const subjectId = `identity:${this.ids.newId()}`;
    return {
      subjectId,
      encrypted: await this.vault.encryptAll(
        subjectId,
        { name: identity.name, idNumber: identity.idNumber },
        tx,
      ),
      registryId: await this.lookup.register(tx, identity.idNumber, subjectId),
    };
  }

  /** Masked name and ID number for people, derived when read; null once erased. */
  async maskIdentity(
    identity: SubmittedIdentity,
    tx?: EntityManager,
  ): Promise<IdentityInClear | null> {
    if (await this.isErased(identity, tx)) return null;
    const clear = await this.revealIdentity(identity, tx);
    return { name: maskName(clear.name), idNumber: maskIdNumber(clear.idNumber) };
  }

  async revealIdentity(identity: SubmittedIdentity, tx?: EntityManager): Promise<IdentityInClear> {
    const subjectId = subjectOf(identity);
    return this.vault.decryptAll(
      subjectId,
      { name: identity.encrypted.name, idNumber: identity.encrypted.idNumber },
      tx,
    );
  }

  async protectCard(
    identity: SubmittedIdentity,
    card: CardInClear,
    bound: boolean,
    tx?: EntityManager,
  ): Promise<SubmittedBankCard> {
    const subjectId = subjectOf(identity);
    // Found by staff searching this mobile, until the identity is erased.
    await this.mobiles.register(card.mobile, subjectId, tx);
    return {
      encrypted: await this.vault.encryptAll(
        subjectId,
        { cardNumber: card.cardNumber, mobile: card.mobile },
        tx,
      ),
      bound,
    };
  }

  async revealCard(
    identity: SubmittedIdentity,
    card: SubmittedBankCard,
    tx?: EntityManager,
  ): Promise<CardInClear> {
    const subjectId = subjectOf(identity);
    return this.vault.decryptAll(
      subjectId,
      { cardNumber: card.encrypted.cardNumber, mobile: card.encrypted.mobile },
      tx,
    );
  }

  /** Encrypts a secret an outside call needs later (an SMS code, a deposit amount). */
  sealFor(subjectId: string, plaintext: string, tx?: EntityManager): Promise<string> {
    return this.vault.encrypt(subjectId, plaintext, tx);
  }

  openFor(subjectId: string, ciphertext: string, tx?: EntityManager): Promise<string> {
    return this.vault.decrypt(subjectId, ciphertext, tx);
  }

  /** Whether the identity's data key was shredded: its personal data is gone. */
  async isErased(identity: SubmittedIdentity, tx?: EntityManager): Promise<boolean> {
    return identity.subjectId ? this.vault.isShredded(identity.subjectId, tx) : false;
  }

  /** Keyed hash of an SMS code, as events carry it. */
  smsCodeHash(code: string): string {
    return this.hash.hash('sms-code', code);
  }

  /** Keyed hash of a micro-deposit amount in fen, as events carry it. */
  depositAmountHash(fen: number): string {
    return this.hash.hash('deposit-amount', String(fen));
  }
}

export function subjectOf(identity: SubmittedIdentity): string {
  if (!identity.subjectId) throw new Error('The identity records no data-key subject');
  return identity.subjectId;
}
