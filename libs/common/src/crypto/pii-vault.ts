import { randomBytes } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { AppConfig, MasterKey } from '../config/config';
import {
  blobAad,
  DATA_KEY_BYTES,
  formatCiphertext,
  open,
  packBlob,
  packWrappedKey,
  parseCiphertext,
  seal,
  unpackBlob,
  unpackWrappedKey,
  valueAad,
  wrappingAad,
  type ParsedCiphertext,
} from './envelope';
import { ExpiringCache } from './expiring-cache';
import { preparedQuery } from '../database/prepared-query';
import { InvalidCiphertextError, PersonalDataErasedError } from './pii.errors';

export interface PiiVaultOptions {
  /** Wraps new data keys. */
  masterKey: MasterKey;
  /** Unwrap keys wrapped before a rotation; `rewrap` moves them to `masterKey`. */
  retiredMasterKeys?: MasterKey[];
  /**
   * How long an unwrapped key stays in this process's memory. A shred in another
   * process is seen here only when the entry expires, so keep it short (default
   * 60 s); 0 disables the cache.
   */
  cacheTtlMs?: number;
  cacheSize?: number;
  now?: () => number;
}

/** A DataSource, or the EntityManager of a transaction in progress. */
export type PiiVaultConnection = DataSource | EntityManager;

interface DataKey {
  keyId: string;
  key: Buffer;
}

interface KeyRow {
  key_id: string;
  wrapped_key: Buffer | null;
  master_key_id: string | null;
  shredded_at: Date | null;
}

type Lookup = DataKey | 'shredded' | undefined;

/**
 * Envelope encryption of personal data (DESIGN §5). Each subject (one identity) has
 * its own random AES-256 data key, stored in `pii_data_keys` wrapped under a master
 * key; values are AES-256-GCM with the subject and key id bound as AAD, so a
 * ciphertext moved to another subject does not open. `shred` destroys the data key
 * and keeps a tombstone: every ciphertext of the subject, wherever it was copied,
 * becomes unreadable, and the subject can never get a key again.
 *
 * Every method takes an optional EntityManager to run inside the caller's
 * transaction. Keys read or created there are not cached, since that transaction
 * may still roll back.
 */
export class PiiVault {
  private readonly masterKey: MasterKey;
  private readonly masterKeys: Map<string, Buffer>;
  private readonly cache: ExpiringCache<string, DataKey>;
  // Subjects shredded here lately: a read that raced the shred must not re-cache the key.
  private readonly shredded: ExpiringCache<string, true>;

  constructor(
    private readonly db: PiiVaultConnection,
    options: PiiVaultOptions,
  ) {
    this.masterKey = options.masterKey;
    this.masterKeys = new Map(
      [...(options.retiredMasterKeys ?? []), options.masterKey].map((m) => [m.id, m.key]),
    );
    for (const [id, key] of this.masterKeys) {
      if (key.length !== DATA_KEY_BYTES) throw new RangeError(`Master key ${id} is not 32 bytes`);
    }
    const ttlMs = options.cacheTtlMs ?? 60_000;
    const size = options.cacheSize ?? 10_000;
    this.cache = new ExpiringCache(ttlMs, size, options.now);
    this.shredded = new ExpiringCache(ttlMs, size, options.now);
  }

  static fromConfig(db: PiiVaultConnection, config: Pick<AppConfig, 'pii'>): PiiVault {
    return new PiiVault(db, {
      masterKey: config.pii.masterKey,
      retiredMasterKeys: config.pii.retiredMasterKeys,
      cacheTtlMs: config.pii.keyCacheTtlMs,
      cacheSize: config.pii.keyCacheSize,
    });
  }

  /**
   * Encrypts under the subject's data key, creating it on first use. Throws
   * PersonalDataErasedError for a shredded subject: a new identity needs a new
   * subject id.
   */
  async encrypt(subjectId: string, plaintext: string, tx?: EntityManager): Promise<string> {
    const dataKey = await this.dataKeyFor(subjectId, tx);
    const sealed = seal(
      dataKey.key,
      Buffer.from(plaintext, 'utf8'),
      valueAad(subjectId, dataKey.keyId),
    );
    return formatCiphertext(dataKey.keyId, sealed);
  }

  /** `encrypt` of several values of one subject, with one look-up of its data key. */
  async encryptAll<K extends string>(
    subjectId: string,
    plaintexts: Record<K, string>,
    tx?: EntityManager,
  ): Promise<Record<K, string>> {
    const dataKey = await this.dataKeyFor(subjectId, tx);
    const sealed = {} as Record<K, string>;
    for (const name of Object.keys(plaintexts) as K[]) {
      const value = seal(
        dataKey.key,
        Buffer.from(plaintexts[name], 'utf8'),
        valueAad(subjectId, dataKey.keyId),
      );
      sealed[name] = formatCiphertext(dataKey.keyId, value);
    }
    return sealed;
  }

  /** `decrypt` of several values of one subject, with one look-up of its data key. */
  async decryptAll<K extends string>(
    subjectId: string,
    ciphertexts: Record<K, string>,
    tx?: EntityManager,
  ): Promise<Record<K, string>> {
    const names = Object.keys(ciphertexts) as K[];
    const parsed = names.map((name) => parseCiphertext(ciphertexts[name]));
    if (parsed.some((p) => !p)) throw new InvalidCiphertextError('Not a personal-data ciphertext.');
    const found = await this.lookup(subjectId, tx);
    const opened = {} as Record<K, string>;
    names.forEach((name, i) => {
      opened[name] = openWith(found, parsed[i]!, valueAad(subjectId, parsed[i]!.keyId)).toString(
        'utf8',
      );
    });
    return opened;
  }

  async decrypt(subjectId: string, ciphertext: string, tx?: EntityManager): Promise<string> {
    const parsed = parseCiphertext(ciphertext);
    if (!parsed) throw new InvalidCiphertextError('Not a personal-data ciphertext.');
    const plaintext = await this.openFor(
      subjectId,
      parsed,
      (keyId) => valueAad(subjectId, keyId),
      tx,
    );
    return plaintext.toString('utf8');
  }

  /**
   * Encrypts bytes (an uploaded document) under the subject's data key, bound to
   * `context` (the document's id), so that shredding the subject erases them with its
   * values and a blob moved to another document does not open.
   */
  async encryptBytes(
    subjectId: string,
    plaintext: Buffer,
    context: string,
    tx?: EntityManager,
  ): Promise<Buffer> {
    const dataKey = await this.dataKeyFor(subjectId, tx);
    const sealed = seal(dataKey.key, plaintext, blobAad(subjectId, dataKey.keyId, context));
    return packBlob(dataKey.keyId, sealed);
  }

  /** Throws PersonalDataErasedError once the subject is shredded. */
  async decryptBytes(
    subjectId: string,
    blob: Buffer,
    context: string,
    tx?: EntityManager,
  ): Promise<Buffer> {
    const parsed = unpackBlob(blob);
    if (!parsed) throw new InvalidCiphertextError('Not a personal-data blob.');
    return this.openFor(subjectId, parsed, (keyId) => blobAad(subjectId, keyId, context), tx);
  }

  /**
   * Destroys the subject's data key, leaving a tombstone (also for a subject that
   * never had a key, so that none can be created later). Idempotent.
   */
  async shred(subjectId: string, tx?: EntityManager): Promise<void> {
    this.shredded.set(subjectId, true);
    this.cache.delete(subjectId);
    await (tx ?? this.db).query(
      `INSERT INTO pii_data_keys (subject_id, key_id, wrapped_key, master_key_id, shredded_at)
       VALUES ($1, $2, NULL, NULL, now())
       ON CONFLICT (subject_id) DO UPDATE
         SET wrapped_key = NULL, master_key_id = NULL,
             shredded_at = COALESCE(pii_data_keys.shredded_at, now())`,
      [subjectId, newKeyId()],
    );
    this.cache.delete(subjectId);
  }

  /**
   * Whether the subject has a live data key, holding that key against a shred until
   * `tx` ends: what is written from its values in `tx` cannot outlive an erasure that
   * races it (the erasure waits, then deletes what was written, or went first).
   */
  async holdUnlessShredded(subjectId: string, tx: EntityManager): Promise<boolean> {
    const rows: { shredded_at: Date | null }[] = await preparedQuery(
      tx,
      `SELECT shredded_at FROM pii_data_keys WHERE subject_id = $1 FOR SHARE`,
      [subjectId],
    );
    return rows.length > 0 && rows[0].shredded_at === null;
  }

  async isShredded(subjectId: string, tx?: EntityManager): Promise<boolean> {
    const row = await this.read(subjectId, tx ?? this.db);
    return row?.shredded_at != null;
  }

  /**
   * Re-wraps up to `batchSize` data keys still under a retired master key with the
   * current one; returns how many. Run until it returns 0 after a rotation, then
   * the retired key can be dropped from the configuration.
   */
  async rewrap(batchSize = 500): Promise<number> {
    return this.db.transaction(async (tx) => {
      const rows: (KeyRow & { subject_id: string })[] = await tx.query(
        `SELECT subject_id, key_id, wrapped_key, master_key_id, shredded_at
           FROM pii_data_keys
          WHERE shredded_at IS NULL AND master_key_id <> $1
          ORDER BY subject_id
          LIMIT $2
            FOR UPDATE SKIP LOCKED`,
        [this.masterKey.id, batchSize],
      );
      for (const row of rows) {
        const key = this.unwrap(row.subject_id, row);
        await tx.query(
          `UPDATE pii_data_keys SET wrapped_key = $2, master_key_id = $3
            WHERE subject_id = $1 AND shredded_at IS NULL`,
          [row.subject_id, this.wrap(row.subject_id, row.key_id, key), this.masterKey.id],
        );
      }
      return rows.length;
    });
  }

  /** Forgets every cached key of this process. */
  clearCache(): void {
    this.cache.clear();
    this.shredded.clear();
  }

  private async openFor(
    subjectId: string,
    parsed: ParsedCiphertext,
    aad: (keyId: string) => Buffer,
    tx?: EntityManager,
  ): Promise<Buffer> {
    return openWith(await this.lookup(subjectId, tx), parsed, aad(parsed.keyId));
  }

  private async dataKeyFor(subjectId: string, tx?: EntityManager): Promise<DataKey> {
    const found = await this.lookup(subjectId, tx);
    if (found === 'shredded') throw erased();
    if (found) return found;
    const created = { keyId: newKeyId(), key: randomBytes(DATA_KEY_BYTES) };
    const inserted: unknown[] = await preparedQuery(
      tx ?? this.db,
      `INSERT INTO pii_data_keys (subject_id, key_id, wrapped_key, master_key_id)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (subject_id) DO NOTHING
       RETURNING key_id`,
      [
        subjectId,
        created.keyId,
        this.wrap(subjectId, created.keyId, created.key),
        this.masterKey.id,
      ],
    );
    if (inserted.length === 1) {
      if (!tx) this.remember(subjectId, created);
      return created;
    }
    // Another request created it first (or shredded the subject): use what won.
    const winner = await this.lookup(subjectId, tx);
    if (winner === 'shredded') throw erased();
    if (!winner) throw new Error(`No data key for subject ${subjectId} after creating one`);
    return winner;
  }

  private async lookup(subjectId: string, tx?: EntityManager): Promise<Lookup> {
    const cached = this.cache.get(subjectId);
    if (cached) return cached;
    const row = await this.read(subjectId, tx ?? this.db);
    if (!row) return undefined;
    if (row.shredded_at) return 'shredded';
    const dataKey = { keyId: row.key_id, key: this.unwrap(subjectId, row) };
    if (!tx) this.remember(subjectId, dataKey);
    return dataKey;
  }

  private remember(subjectId: string, dataKey: DataKey): void {
    if (this.shredded.get(subjectId) === undefined) this.cache.set(subjectId, dataKey);
  }

  private async read(subjectId: string, db: PiiVaultConnection): Promise<KeyRow | undefined> {
    const rows: KeyRow[] = await preparedQuery(
      db,
      `SELECT key_id, wrapped_key, master_key_id, shredded_at
         FROM pii_data_keys WHERE subject_id = $1`,
      [subjectId],
    );
    return rows[0];
  }

  private wrap(subjectId: string, keyId: string, key: Buffer): Buffer {
    const aad = wrappingAad(subjectId, keyId, this.masterKey.id);
    return packWrappedKey(seal(this.masterKey.key, key, aad));
  }

  private unwrap(subjectId: string, row: KeyRow): Buffer {
    const masterKeyId = row.master_key_id ?? '';
    const masterKey = this.masterKeys.get(masterKeyId);
    if (!masterKey || !row.wrapped_key) {
      throw new Error(
        `Data key ${row.key_id} is wrapped under master key "${masterKeyId}", which is not configured (PII_MASTER_KEY / PII_RETIRED_MASTER_KEYS)`,
      );
    }
    try {
      return open(
        masterKey,
        unpackWrappedKey(row.wrapped_key),
        wrappingAad(subjectId, row.key_id, masterKeyId),
      );
    } catch {
      throw new Error(`Data key ${row.key_id} does not unwrap under master key "${masterKeyId}"`);
    }
  }
}

function newKeyId(): string {
  return randomBytes(12).toString('base64url');
}

function openWith(found: Lookup, parsed: ParsedCiphertext, aad: Buffer): Buffer {
  if (found === 'shredded') throw erased();
  if (!found || found.keyId !== parsed.keyId) {
    throw new InvalidCiphertextError('The ciphertext was not made for this subject.');
  }
  try {
    return open(found.key, parsed, aad);
  } catch {
    throw new InvalidCiphertextError('The ciphertext does not authenticate.');
  }
}

function erased(): PersonalDataErasedError {
  return new PersonalDataErasedError('This personal data has been erased.');
}
