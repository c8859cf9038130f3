import { Inject, Injectable } from '@nestjs/common';
import { DOCUMENT_STORAGE, type AcceptedUpload, type DocumentStorage } from '@shiming/integrations';
import { InvalidCertificatesError } from '../domain';

/** Stores uploaded images outside the event log; events carry only their ids. */
@Injectable()
export class VerificationDocuments {
  constructor(@Inject(DOCUMENT_STORAGE) private readonly storage: DocumentStorage) {}

  async store(accountId: string, uploads: readonly AcceptedUpload[]): Promise<string[]> {
    const ids: string[] = [];
    for (const upload of uploads) {
      const stored = await this.storage.put(upload.bytes, {
        contentType: upload.contentType,
        ownerId: accountId,
      });
      ids.push(stored.documentId);
    }
    return ids;
  }

  /**
   * Dual certificates must be different images: the same bytes twice is one certificate.
   * Checked before anything is stored.
   */
  assertDistinct(uploads: readonly AcceptedUpload[], min: number, max: number): void {
    const distinct = new Set(uploads.map((u) => u.bytes.toString('base64'))).size;
    if (distinct !== uploads.length) throw new InvalidCertificatesError(min, max, distinct);
  }
}
