import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DOCUMENT_STORAGE, type AcceptedUpload, type DocumentStorage } from '@shiming/integrations';
import { ID_GENERATOR, type IdGenerator } from '@shiming/workflow';
import {
  IdenticalIdPhotosError,
  InvalidCertificatesError,
  type VerificationState,
} from '../domain';
import { identityOf } from '../domain';
import type { StepContext } from './verification-command.executor';

/**
 * The uploads of one step. Their ids are chosen before the command is decided (it names
 * them); they are stored only once it was taken, with its events, encrypted under the
 * identity it was decided for; if it is refused or fails, nothing of them stays.
 */
export class StepUploads {
  readonly documentIds: string[];

  constructor(
    private readonly storage: DocumentStorage,
    private readonly accountId: string,
    private readonly uploads: readonly AcceptedUpload[],
    ids: IdGenerator,
  ) {
    this.documentIds = uploads.map(() => ids.newId());
  }

  /** What the step passes to the command: store with the events, clean up after a refusal. */
  extras(): { withEvents: NonNullable<StepContext['withEvents']>; onAbort: () => Promise<void> } {
    return {
      withEvents: (tx, before) => this.store(tx, before),
      onAbort: () => this.storage.discard(this.documentIds),
    };
  }

  private async store(tx: EntityManager, before: VerificationState): Promise<void> {
    const subjectId = identityOf(before)?.subjectId;
    if (!subjectId) throw new Error(`Uploads for ${this.accountId} without an identity`);
    for (const [index, upload] of this.uploads.entries()) {
      await this.storage.put(
        upload.bytes,
        {
          documentId: this.documentIds[index],
          contentType: upload.contentType,
          ownerId: this.accountId,
          subjectId,
        },
        tx,
      );
    }
  }
}

/** Uploaded images, outside the event log; events carry only their ids. */
@Injectable()
export class VerificationDocuments {
  constructor(
    @Inject(DOCUMENT_STORAGE) private readonly storage: DocumentStorage,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  uploads(accountId: string, uploads: readonly AcceptedUpload[]): StepUploads {
    return new StepUploads(this.storage, accountId, uploads, this.ids);
  }

  /**
   * Dual certificates must be different images: the same bytes twice is one certificate.
   * Checked before anything is stored.
   */
  assertDistinct(uploads: readonly AcceptedUpload[], min: number, max: number): void {
    const distinct = distinctCount(uploads);
    if (distinct !== uploads.length) throw new InvalidCertificatesError(min, max, distinct);
  }

  /** The front and the back of an ID card are two different photos. */
  assertTwoSides(front: AcceptedUpload, back: AcceptedUpload): void {
    if (distinctCount([front, back]) !== 2) throw new IdenticalIdPhotosError();
  }
}

function distinctCount(uploads: readonly AcceptedUpload[]): number {
  return new Set(uploads.map((u) => u.bytes.toString('base64'))).size;
}
