import { NotFoundError } from '@shiming/common';

export interface StoredDocument {
  documentId: string;
  /** SHA-256 of the original bytes, hex: the content hash events may carry. */
  sha256: string;
  size: number;
  contentType: string;
  ownerId: string;
  createdAt: Date;
}

export interface DocumentContent extends StoredDocument {
  bytes: Buffer;
}

export interface PutDocument {
  contentType: string;
  /** The account the document belongs to. */
  ownerId: string;
}

/**
 * Uploaded images and PDFs, outside the event log. Each `put` is a new document (its
 * own id, owner and time); identical bytes are stored once.
 */
export interface DocumentStorage {
  put(bytes: Buffer, meta: PutDocument): Promise<StoredDocument>;
  /** @throws DocumentNotFoundError */
  get(documentId: string): Promise<DocumentContent>;
  /** The metadata alone, without reading the bytes. */
  head(documentId: string): Promise<StoredDocument | null>;
}

export const DOCUMENT_STORAGE = Symbol('DocumentStorage');

export class DocumentNotFoundError extends NotFoundError {
  constructor(readonly documentId: string) {
    super(`No document ${documentId}`);
  }
}

/** The stored bytes fail authentication or no longer match their hash: tampering or a wrong key. */
export class DocumentIntegrityError extends Error {
  readonly code = 'document_integrity';

  constructor(readonly documentId: string) {
    super(`Document ${documentId} failed its integrity check`);
    this.name = 'DocumentIntegrityError';
  }
}
