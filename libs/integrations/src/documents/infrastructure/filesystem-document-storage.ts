import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { access, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Clock } from '@shiming/workflow';
import type { DataSource } from 'typeorm';
import {
  DocumentIntegrityError,
  DocumentNotFoundError,
  type DocumentContent,
  type DocumentStorage,
  type PutDocument,
  type StoredDocument,
} from '../document-storage.port';
import { DocumentCipher, SealedBlobError } from './document-cipher';

interface DocumentRow {
  document_id: string;
  sha256: string;
  size: string | number;
  content_type: string;
  owner_id: string;
  created_at: Date;
}

const COLUMNS = 'document_id, sha256, size, content_type, owner_id, created_at';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Documents as encrypted, content-addressed files under `root` (one blob per distinct
 * content, shared by every document with those bytes), and their metadata in the
 * `documents` table.
 */
export class FilesystemDocumentStorage implements DocumentStorage {
  private readonly root: string;
  private readonly cipher: DocumentCipher;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    options: { root: string; key: Buffer },
  ) {
    this.root = resolve(options.root);
    this.cipher = new DocumentCipher(options.key);
  }

  async put(bytes: Buffer, meta: PutDocument): Promise<StoredDocument> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    // The blob is on disk before the row exists, so no row ever points at nothing; a
    // crash in between leaves an unreferenced blob, which is harmless.
    await this.writeBlobOnce(sha256, bytes);
    const rows: DocumentRow[] = await this.dataSource.query(
      `INSERT INTO documents (document_id, sha256, size, content_type, owner_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       RETURNING ${COLUMNS}`,
      [randomUUID(), sha256, bytes.length, meta.contentType, meta.ownerId, this.clock.now()],
    );
    return toDocument(rows[0]);
  }

  async get(documentId: string): Promise<DocumentContent> {
    const document = await this.head(documentId);
    if (!document) throw new DocumentNotFoundError(documentId);
    let sealed: Buffer;
    try {
      sealed = await readFile(this.blobPath(document.sha256));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new DocumentIntegrityError(documentId);
      }
      throw error;
    }
    let bytes: Buffer;
    try {
      bytes = this.cipher.open(sealed, document.sha256);
    } catch (error) {
      if (error instanceof SealedBlobError) throw new DocumentIntegrityError(documentId);
      throw error;
    }
    if (createHash('sha256').update(bytes).digest('hex') !== document.sha256) {
      throw new DocumentIntegrityError(documentId);
    }
    return { ...document, bytes };
  }

  async head(documentId: string): Promise<StoredDocument | null> {
    // Ids arrive from URLs; a malformed one is simply not found, not a SQL error.
    if (!UUID.test(documentId)) return null;
    const rows: DocumentRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM documents WHERE document_id = $1`,
      [documentId],
    );
    return rows.length === 0 ? null : toDocument(rows[0]);
  }

  private blobPath(sha256: string): string {
    const name = this.cipher.blobName(sha256);
    return join(this.root, name.slice(0, 2), name);
  }

  private async writeBlobOnce(sha256: string, bytes: Buffer): Promise<void> {
    const path = this.blobPath(sha256);
    if (await exists(path)) return;
    await mkdir(join(path, '..'), { recursive: true });
    // Written aside, flushed, then renamed into place: readers only ever see a whole blob,
    // and two concurrent writers of the same content each leave a valid one.
    const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    const file = await open(temporary, 'wx', 0o600);
    try {
      try {
        await file.writeFile(this.cipher.seal(bytes, sha256));
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temporary, path);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

function toDocument(row: DocumentRow): StoredDocument {
  return {
    documentId: row.document_id,
    sha256: row.sha256,
    size: Number(row.size),
    contentType: row.content_type,
    ownerId: row.owner_id,
    createdAt: row.created_at,
  };
}
