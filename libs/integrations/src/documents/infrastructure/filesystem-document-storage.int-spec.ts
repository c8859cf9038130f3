import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commonMigrations, dataSourceOptions, PiiVault } from '@shiming/common';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../../../../test/support/test-database';
import { integrationsMigrations } from '../../migrations';
import {
  DocumentErasedError,
  DocumentIntegrityError,
  DocumentNotFoundError,
  type PutDocument,
} from '../document-storage.port';
import { FilesystemDocumentStorage } from './filesystem-document-storage';

const NOW = new Date('2026-03-02T02:00:00.000Z');

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('FilesystemDocumentStorage', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let root: string;
  let vault: PiiVault;
  let storage: FilesystemDocumentStorage;
  // A recognisable plaintext, long enough that any copy of it on disk would show.
  const photo = Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
    Buffer.alloc(2048, 'ID-CARD-FRONT '),
  ]);
  const meta = (subjectId: string, ownerId = 'acc-1'): PutDocument => ({
    documentId: randomUUID(),
    contentType: 'image/jpeg',
    ownerId,
    subjectId,
  });
  const put = (bytes: Buffer, document: PutDocument) =>
    dataSource.transaction((tx) => storage.put(bytes, document, tx));

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await new DataSource(
      dataSourceOptions({
        databaseUrl: db.url,
        migrations: [...commonMigrations, ...integrationsMigrations],
        poolSize: 4,
      }),
    ).initialize();
    await dataSource.runMigrations({ transaction: 'each' });
    root = await mkdtemp(join(tmpdir(), 'shiming-documents-'));
    vault = new PiiVault(dataSource, {
      masterKey: { id: 'test', key: randomBytes(32) },
      cacheTtlMs: 0,
    });
    storage = new FilesystemDocumentStorage(dataSource, { now: () => NOW }, vault, { root });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('returns the original bytes and metadata', async () => {
    const document = meta('identity:a');
    const stored = await put(photo, document);
    expect(stored).toEqual({
      documentId: document.documentId,
      sha256: createHash('sha256').update(photo).digest('hex'),
      size: photo.length,
      contentType: 'image/jpeg',
      ownerId: 'acc-1',
      subjectId: 'identity:a',
      createdAt: NOW,
    });
    const fetched = await storage.get(stored.documentId);
    expect(fetched.bytes.equals(photo)).toBe(true);
    expect(fetched).toMatchObject(stored);
    expect(await storage.head(stored.documentId)).toEqual({ ...stored, erased: false });
  });

  it('keeps on disk neither the plaintext nor its hash', async () => {
    for (const file of await filesUnder(root)) {
      const onDisk = await readFile(file);
      expect(onDisk.includes(Buffer.from('ID-CARD-FRONT'))).toBe(false);
      expect(file).not.toContain(createHash('sha256').update(photo).digest('hex'));
    }
  });

  it('stores each document in a file of its own, also for the same bytes', async () => {
    const before = await filesUnder(root);
    await put(photo, meta('identity:b'));
    await put(photo, meta('identity:b'));
    expect(await filesUnder(root)).toHaveLength(before.length + 2);
  });

  it('refuses bytes that were altered on disk, or a file moved under another document', async () => {
    const altered = await put(Buffer.from('%PDF-1.7 tamper target'), meta('identity:c'));
    const other = await put(Buffer.from('%PDF-1.7 another one'), meta('identity:c'));
    const pathOf = (id: string) => join(root, id.slice(0, 2), id);
    const sealed = await readFile(pathOf(altered.documentId));
    sealed[sealed.length - 1] ^= 0x01;
    await writeFile(pathOf(altered.documentId), sealed);
    await expect(storage.get(altered.documentId)).rejects.toBeInstanceOf(DocumentIntegrityError);

    const moved = await put(Buffer.from('%PDF-1.7 moved'), meta('identity:c'));
    await rename(pathOf(moved.documentId), pathOf(other.documentId));
    await expect(storage.get(other.documentId)).rejects.toBeInstanceOf(DocumentIntegrityError);
  });

  it('leaves nothing of a document whose transaction rolled back, once discarded', async () => {
    const before = await filesUnder(root);
    const document = meta('identity:d');
    await expect(
      dataSource.transaction(async (tx) => {
        await storage.put(photo, document, tx);
        throw new Error('the command was refused');
      }),
    ).rejects.toThrow('refused');
    expect(await filesUnder(root)).toHaveLength(before.length + 1);
    const kept = await put(photo, meta('identity:d'));
    await storage.discard([document.documentId, kept.documentId]);
    expect(await filesUnder(root)).toHaveLength(before.length + 1);
    expect(await storage.head(document.documentId)).toBeNull();
    expect((await storage.get(kept.documentId)).bytes.equals(photo)).toBe(true);
  });

  it('erases every document of a subject: unreadable at once, files gone on purge', async () => {
    const mine = [await put(photo, meta('identity:e')), await put(photo, meta('identity:e'))];
    const theirs = await put(photo, meta('identity:f'));
    const before = await filesUnder(root);

    const erased = await dataSource.transaction(async (tx) => {
      await vault.shred('identity:e', tx);
      return storage.erase('identity:e', tx);
    });
    expect(erased.sort()).toEqual(mine.map((d) => d.documentId).sort());
    for (const document of mine) {
      await expect(storage.get(document.documentId)).rejects.toBeInstanceOf(DocumentErasedError);
      expect(await storage.head(document.documentId)).toEqual({
        documentId: document.documentId,
        ownerId: 'acc-1',
        createdAt: NOW,
        erased: true,
      });
    }
    const [row] = await dataSource.query(
      `SELECT sha256, size, content_type FROM documents WHERE document_id = $1`,
      [mine[0].documentId],
    );
    expect(row).toEqual({ sha256: null, size: null, content_type: null });

    expect(await storage.purge('identity:e')).toBe(2);
    expect(await storage.purge('identity:e')).toBe(0);
    expect(await filesUnder(root)).toHaveLength(before.length - 2);
    expect((await storage.get(theirs.documentId)).bytes.equals(photo)).toBe(true);
  });

  it('says erased when the key was shredded before the metadata went', async () => {
    const document = await put(photo, meta('identity:g'));
    await vault.shred('identity:g');
    await expect(storage.get(document.documentId)).rejects.toBeInstanceOf(DocumentErasedError);
  });

  it('answers unknown and malformed ids as not found', async () => {
    await expect(storage.get('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(
      DocumentNotFoundError,
    );
    await expect(storage.get('../../etc/passwd')).rejects.toBeInstanceOf(DocumentNotFoundError);
    expect(await storage.head('not-a-uuid')).toBeNull();
  });
});
