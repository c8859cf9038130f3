import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { IdempotencyStore, PiiVault } from '@shiming/common';
import { DOCUMENT_STORAGE, type DocumentStorage } from '@shiming/integrations';
import { IdentityLookup } from './identity-lookup.repository';
import { IdentityMobiles } from './identity-mobiles.repository';
import { MobileSmsQuota } from './mobile-sms-quota';
import { OutsideCallsRepository } from './outside-calls.repository';

export interface ErasedIdentity {
  accountId: string;
  subjectId: string;
}

/**
 * Erases one submitted identity (DESIGN §5), in the transaction of the event that says
 * so: its data key is shredded (every ciphertext of it, wherever copied, no longer opens),
 * its occupancy hash is deleted with its last submission, its documents lose their
 * metadata (their files go by the purge timer the domain arms with the erasure), the secrets kept
 * for outside calls are dropped, and so are the hashes of its mobile numbers (send caps and the staff search lookup). The events stay; nothing left lets anyone,
 * holding every key the service has, recover what the identity was.
 */
@Injectable()
export class IdentityErasure {
  constructor(
    private readonly vault: PiiVault,
    private readonly lookup: IdentityLookup,
    private readonly calls: OutsideCallsRepository,
    private readonly smsQuota: MobileSmsQuota,
    private readonly mobiles: IdentityMobiles,
    private readonly storedAnswers: IdempotencyStore,
    @Inject(DOCUMENT_STORAGE) private readonly documents: DocumentStorage,
  ) {}

  /** In the transaction of the event that erases; the files go later (`purge`). */
  async erase(tx: EntityManager, { accountId, subjectId }: ErasedIdentity): Promise<void> {
    await this.vault.shred(subjectId, tx);
    await this.lookup.forget(tx, subjectId);
    await this.documents.erase(subjectId, tx);
    await this.calls.dropPayloads(tx, subjectId);
    await this.smsQuota.forget(tx, subjectId);
    await this.mobiles.forget(tx, subjectId);
    // Stored answers of and about the account held the identity's fingerprints and masks.
    await this.storedAnswers.forgetAccount(accountId, tx);
  }

  /** Removes the erased documents' files; safe to run again. */
  async purge(subjectId: string): Promise<number> {
    return this.documents.purge(subjectId);
  }
}
