import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { DataSource, EntityManager } from 'typeorm';
import { InvalidCiphertextError, PersonalDataErasedError, type PiiVault } from '@shiming/common';
import type { Clock } from '@shiming/workflow';
import {
  DocumentErasedError,
  DocumentIntegrityError,
  DocumentNotFoundError,
  type DocumentContent,
  type DocumentHead,
  type DocumentStorage,
  type PutDocument,
  type StoredDocument,
} from '../document-storage.port';

interface DocumentRow {
  document_id: string;
  sha256: string | null;
  size: string | number | null;
  content_type: string | null;
  owner_id: string;
  subject_id: string | null;
  created_at: Date;
  erased_at: Date | null;
}

const COLUMNS =
  'document_id, sha256, size, content_type, owner_id, subject_id, created_at, erased_at';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Documents as files under `root`, one per document and named by its random id, each
 * encrypted under the data key of the identity it was uploaded for (`PiiVault`), with
 * the document id bound in, so that a file moved under another name does not open. The
 * metadata lives in the `documents` table.
 */
export class FilesystemDocumentStorage implements DocumentStorage {
  private readonly root: string;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly vault: PiiVault,
    options: { root: string },
  ) {
    this.root = resolve(options.root);
  }

  async put(bytes: Buffer, meta: PutDocument, tx: EntityManager): Promise<StoredDocument> {
    if (!UUID.test(meta.documentId)) throw new RangeError('A document id must be a uuid');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const sealed = await this.vault.encryptBytes(meta.subjectId, bytes, meta.documentId, tx);
    // The file is on disk before the row exists, so no row ever points at nothing; if the
    // row never commits, the caller discards the file.
    await this.writeFile(this.pathOf(meta.documentId), sealed);
    const rows: DocumentRow[] = await tx.query(
      `INSERT INTO documents
         (document_id, sha256, size, content_type, owner_id, subject_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       RETURNING ${COLUMNS}`,
      [
        meta.documentId,
        sha256,
        bytes.length,
        meta.contentType,
        meta.ownerId,
        meta.subjectId,
        this.clock.now(),
      ],
    );
    return toStored(rows[0]);
  }

  async discard(documentIds: readonly string[]): Promise<void> {
    const ids = documentIds.filter((id) => UUID.test(id));
    if (ids.length === 0) return;
    const stored: { document_id: string }[] = await this.dataSource.query(
      `SELECT document_id FROM documents WHERE document_id = ANY($1::uuid[])`,
      [ids],
    );
    const keep = new Set(stored.map((row) => row.document_id));
    await this.removeFiles(ids.filter((id) => !keep.has(id)));
  }

  async get(documentId: string): Promise<DocumentContent> {
    const head = await this.head(documentId);
    if (!head) throw new DocumentNotFoundError(documentId);
    if (head.erased) throw new DocumentErasedError(documentId);
    let sealed: Buffer;
    try {
      sealed = await readFile(this.pathOf(documentId));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new DocumentIntegrityError(documentId);
      }
      throw error;
    }
    let bytes: Buffer;
    try {
      bytes = await this.vault.decryptBytes(head.subjectId, sealed, documentId);
    } catch (error) {
      // Shredded between the read of the row and the read of the key.
      if (error instanceof PersonalDataErasedError) throw new DocumentErasedError(documentId);
      if (error instanceof InvalidCiphertextError) throw new DocumentIntegrityError(documentId);
      throw error;
    }
    if (createHash('sha256').update(bytes).digest('hex') !== head.sha256) {
      throw new DocumentIntegrityError(documentId);
    }
    return { ...head, bytes };
  }

  async head(documentId: string): Promise<DocumentHead | null> {
    // Ids arrive from URLs; a malformed one is simply not found, not a SQL error.
    if (!UUID.test(documentId)) return null;
    const rows: DocumentRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM documents WHERE document_id = $1`,
      [documentId],
    );
    if (rows.length === 0) return null;
    const [row] = rows;
    return row.erased_at
      ? {
          documentId: row.document_id,
          ownerId: row.owner_id,
          createdAt: row.created_at,
          erased: true,
        }
      : { ...toStored(row), erased: false };
  }

  async erase(subjectId: string, tx: EntityManager): Promise<string[]> {
    const rows: { document_id: string }[] = await tx.query(
      // A CTE, so that the driver answers rows and not an UPDATE's [rows, count].
      `WITH erased AS (
         UPDATE documents
            SET erased_at = $2, sha256 = NULL, size = NULL, content_type = NULL
          WHERE subject_id = $1 AND erased_at IS NULL
        RETURNING document_id)
       SELECT document_id FROM erased`,
      [subjectId, this.clock.now()],
    );
    return rows.map((row) => row.document_id);
  }

  async purge(subjectId: string): Promise<number> {
    const rows: { document_id: string }[] = await this.dataSource.query(
      `SELECT document_id FROM documents
        WHERE subject_id = $1 AND erased_at IS NOT NULL AND purged_at IS NULL`,
      [subjectId],
    );
    await this.removeFiles(rows.map((row) => row.document_id));
    if (rows.length > 0) {
      await this.dataSource.query(
        `UPDATE documents SET purged_at = now() WHERE document_id = ANY($1::uuid[])`,
        [rows.map((row) => row.document_id)],
      );
    }
    return rows.length;
  }

  private async removeFiles(documentIds: readonly string[]): Promise<void> {
    await Promise.all(documentIds.map((id) => removeFile(this.pathOf(id))));
  }

  private pathOf(documentId: string): string {
    const name = documentId.toLowerCase();
    return join(this.root, name.slice(0, 2), name);
  }

  private async writeFile(path: string, sealed: Buffer): Promise<void> {
    await mkdir(join(path, '..'), { recursive: true });
    // Written aside, flushed, then renamed into place: readers only ever see a whole file.
    const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    const file = await open(temporary, 'wx', 0o600);
    try {
      try {
        await file.writeFile(sealed);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temporary, path);
    } catch (error) {
      await removeFile(temporary);
      throw error;
    }
  }
}

async function removeFile(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function toStored(row: DocumentRow): StoredDocument {
  if (row.sha256 === null || row.size === null || row.content_type === null || !row.subject_id) {
    throw new Error(`Document ${row.document_id} is erased`);
  }
  return {
    documentId: row.document_id,
    sha256: row.sha256,
    size: Number(row.size),
    contentType: row.content_type,
    ownerId: row.owner_id,
    subjectId: row.subject_id,
    createdAt: row.created_at,
  };
}
