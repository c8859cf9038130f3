import { randomBytes, createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataSourceOptions } from '@shiming/common';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../../../../test/support/test-database';
import { integrationsMigrations } from '../../migrations';
import { DocumentIntegrityError, DocumentNotFoundError } from '../document-storage.port';
import { DocumentCipher } from './document-cipher';
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
  let storage: FilesystemDocumentStorage;
  const key = randomBytes(32);
  // A recognisable plaintext, long enough that any copy of it on disk would show.
  const photo = Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
    Buffer.alloc(2048, 'ID-CARD-FRONT '),
  ]);

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await new DataSource(
      dataSourceOptions({ databaseUrl: db.url, migrations: integrationsMigrations, poolSize: 4 }),
    ).initialize();
    await dataSource.runMigrations({ transaction: 'each' });
    root = await mkdtemp(join(tmpdir(), 'shiming-documents-'));
    storage = new FilesystemDocumentStorage(dataSource, { now: () => NOW }, { root, key });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('returns the original bytes and metadata', async () => {
    const stored = await storage.put(photo, { contentType: 'image/jpeg', ownerId: 'acc-1' });
    expect(stored).toEqual({
      documentId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      sha256: createHash('sha256').update(photo).digest('hex'),
      size: photo.length,
      contentType: 'image/jpeg',
      ownerId: 'acc-1',
      createdAt: NOW,
    });
    const fetched = await storage.get(stored.documentId);
    expect(fetched.bytes.equals(photo)).toBe(true);
    expect(fetched).toMatchObject(stored);
    expect(await storage.head(stored.documentId)).toEqual(stored);
  });

  it('keeps on disk neither the plaintext nor its hash', async () => {
    const [file] = await filesUnder(root);
    const onDisk = await readFile(file);
    expect(onDisk.includes(Buffer.from('ID-CARD-FRONT'))).toBe(false);
    expect(onDisk.length).toBeGreaterThan(photo.length);
    expect(file).not.toContain(createHash('sha256').update(photo).digest('hex'));
  });

  it('stores the same content once, as separate documents', async () => {
    const before = await filesUnder(root);
    const a = await storage.put(photo, { contentType: 'image/jpeg', ownerId: 'acc-2' });
    const [b, c] = await Promise.all([
      storage.put(photo, { contentType: 'image/jpeg', ownerId: 'acc-3' }),
      storage.put(photo, { contentType: 'image/jpeg', ownerId: 'acc-3' }),
    ]);
    expect(new Set([a.documentId, b.documentId, c.documentId]).size).toBe(3);
    expect(await filesUnder(root)).toEqual(before);
    expect((await storage.get(c.documentId)).ownerId).toBe('acc-3');

    await storage.put(Buffer.from('%PDF-1.7 another'), {
      contentType: 'application/pdf',
      ownerId: 'acc-2',
    });
    expect(await filesUnder(root)).toHaveLength(before.length + 1);
  });

  it('refuses bytes that were altered on disk', async () => {
    const stored = await storage.put(Buffer.from('%PDF-1.7 tamper target'), {
      contentType: 'application/pdf',
      ownerId: 'acc-4',
    });
    const name = new DocumentCipher(key).blobName(stored.sha256);
    const file = join(root, name.slice(0, 2), name);
    const sealed = await readFile(file);
    sealed[sealed.length - 1] ^= 0x01;
    await writeFile(file, sealed);
    await expect(storage.get(stored.documentId)).rejects.toBeInstanceOf(DocumentIntegrityError);
  });

  it('cannot read documents with another key', async () => {
    const stored = await storage.put(photo, { contentType: 'image/jpeg', ownerId: 'acc-5' });
    const other = new FilesystemDocumentStorage(
      dataSource,
      { now: () => NOW },
      { root, key: randomBytes(32) },
    );
    // Another key names blobs differently, so the blob is simply not where it looks.
    await expect(other.get(stored.documentId)).rejects.toBeInstanceOf(DocumentIntegrityError);
  });

  it('answers unknown and malformed ids as not found', async () => {
    await expect(storage.get('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(
      DocumentNotFoundError,
    );
    await expect(storage.get('../../etc/passwd')).rejects.toBeInstanceOf(DocumentNotFoundError);
    expect(await storage.head('not-a-uuid')).toBeNull();
  });
});
