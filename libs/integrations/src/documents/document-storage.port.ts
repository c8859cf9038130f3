import type { EntityManager } from 'typeorm';
import { NotFoundError, PersonalDataErasedError } from '@shiming/common';

export interface StoredDocument {
  documentId: string;
  /** SHA-256 of the original bytes, hex. */
  sha256: string;
  size: number;
  contentType: string;
  ownerId: string;
  /** The personal-data subject (the identity) whose data key encrypts the document. */
  subjectId: string;
  createdAt: Date;
}

export interface DocumentContent extends StoredDocument {
  bytes: Buffer;
}

/** What is known of a document without reading it; of an erased one, only that it was. */
export type DocumentHead =
  | (StoredDocument & { erased: false })
  | { documentId: string; ownerId: string; createdAt: Date; erased: true };

export interface PutDocument {
  /** Chosen by the caller before deciding, so that the command can name it. */
  documentId: string;
  contentType: string;
  /** The account the document belongs to. */
  ownerId: string;
  /** The identity it is uploaded for: its data key encrypts the document. */
  subjectId: string;
}

/**
 * Uploaded images and PDFs, outside the event log, each encrypted under the data key of
 * the identity it was uploaded for (DESIGN §5): shredding that key erases them, and
 * `erase` then removes their metadata and `purge` their files.
 */
export interface DocumentStorage {
  /**
   * Encrypts and stores the bytes: the file at once, the row in `tx`, so that it commits
   * with the command that refers to it. If `tx` does not commit, `discard` the id.
   */
  put(bytes: Buffer, meta: PutDocument, tx: EntityManager): Promise<StoredDocument>;
  /**
   * Removes the files of those documents whose rows never committed (a command that was
   * refused or failed); documents that were stored are left alone.
   */
  discard(documentIds: readonly string[]): Promise<void>;
  /**
   * @throws DocumentNotFoundError
   * @throws DocumentErasedError once the identity's personal data was erased
   */
  get(documentId: string): Promise<DocumentContent>;
  /** The metadata alone, without reading the bytes; null for an unknown id. */
  head(documentId: string): Promise<DocumentHead | null>;
  /**
   * Marks every document of the subject erased, in `tx` (its data key is shredded in the
   * same transaction): their metadata goes at once, their files with `purge`.
   * Returns the documents' ids.
   */
  erase(subjectId: string, tx: EntityManager): Promise<string[]>;
  /** Removes the files of the subject's erased documents; returns how many it removed. */
  purge(subjectId: string): Promise<number>;
}

export const DOCUMENT_STORAGE = Symbol('DocumentStorage');

export class DocumentNotFoundError extends NotFoundError {
  constructor(readonly documentId: string) {
    super(`No document ${documentId}`);
  }
}

/** The document was erased with the personal data of the identity it was uploaded for. */
export class DocumentErasedError extends PersonalDataErasedError {
  constructor(readonly documentId: string) {
    super('This document was erased with the personal data it belonged to.');
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
