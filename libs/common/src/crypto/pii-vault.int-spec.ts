import { watchStatements } from '../../../../test/support/statements';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../../../../test/support/test-database';
import { dataSourceOptions, migrate } from '../database';
import { commonMigrations } from '../migrations';
import { PiiVault } from './pii-vault';
import { InvalidCiphertextError, PersonalDataErasedError } from './pii.errors';

const MASTER = { id: 'master-1', key: randomBytes(32) };

describe('PiiVault on PostgreSQL', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let vault: PiiVault;

  const subject = () => `identity-${randomUUID()}`;
  const rowsOf = (subjectId: string) =>
    dataSource.query(`SELECT * FROM pii_data_keys WHERE subject_id = $1`, [subjectId]);

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = new DataSource(
      dataSourceOptions({ databaseUrl: db.url, migrations: commonMigrations, poolSize: 10 }),
    );
    await dataSource.initialize();
    await migrate(dataSource);
  });

  beforeEach(() => {
    vault = new PiiVault(dataSource, { masterKey: MASTER });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('round-trips a value, and a fresh process reads it from the stored key', async () => {
    const id = subject();
    const ciphertext = await vault.encrypt(id, '阿依古丽·买买提');
    expect(ciphertext).toMatch(/^pii1\./);
    expect(ciphertext).not.toContain('阿依古丽');
    expect(await vault.decrypt(id, ciphertext)).toBe('阿依古丽·买买提');
    const otherProcess = new PiiVault(dataSource, { masterKey: MASTER });
    expect(await otherProcess.decrypt(id, ciphertext)).toBe('阿依古丽·买买提');
  });

  it('stores the data key wrapped, never in the clear', async () => {
    const id = subject();
    await vault.encrypt(id, 'x');
    const [row] = await rowsOf(id);
    expect(row).toMatchObject({ master_key_id: 'master-1', shredded_at: null });
    expect(row.wrapped_key).toHaveLength(12 + 16 + 32);
  });

  it('encrypts the same value differently each time', async () => {
    const id = subject();
    const first = await vault.encrypt(id, '110101199003071233');
    const second = await vault.encrypt(id, '110101199003071233');
    expect(first).not.toBe(second);
    expect(await vault.decrypt(id, second)).toBe('110101199003071233');
  });

  it('encrypts and decrypts several values of a subject with one look-up of its key in a transaction', async () => {
    const id = subject();
    const sealed = await dataSource.transaction(async (tx) => {
      const sent = await watchStatements(tx);
      const values = await vault.encryptAll(
        id,
        { name: '张伟', idNumber: '110101199003071233' },
        tx,
      );
      // A new subject: the look-up finds nothing, the insert makes the key.
      expect(sent.texts()).toHaveLength(2);
      sent.clear();
      expect(await vault.decryptAll(id, values, tx)).toEqual({
        name: '张伟',
        idNumber: '110101199003071233',
      });
      expect(sent.texts()).toHaveLength(1);
      sent.stop();
      return values;
    });
    expect(sealed.name).toMatch(/^pii1\./);
    expect(await vault.decrypt(id, sealed.name)).toBe('张伟');
    expect(await vault.decrypt(id, sealed.idNumber)).toBe('110101199003071233');
    await expect(vault.decryptAll(subject(), { name: sealed.name })).rejects.toBeInstanceOf(
      InvalidCiphertextError,
    );
    await vault.shred(id);
    await expect(vault.decryptAll(id, sealed)).rejects.toBeInstanceOf(PersonalDataErasedError);
  });

  it('creates one key when two processes encrypt for a new subject at once', async () => {
    const id = subject();
    const processes = Array.from(
      { length: 8 },
      () => new PiiVault(dataSource, { masterKey: MASTER }),
    );
    const ciphertexts = await Promise.all(processes.map((p, i) => p.encrypt(id, `value ${i}`)));
    expect(await rowsOf(id)).toHaveLength(1);
    expect(new Set(ciphertexts.map((c) => c.split('.')[1])).size).toBe(1);
    const reader = new PiiVault(dataSource, { masterKey: MASTER });
    for (const [i, ciphertext] of ciphertexts.entries()) {
      expect(await reader.decrypt(id, ciphertext)).toBe(`value ${i}`);
    }
  });

  it('creates one key when two transactions encrypt for a new subject at once', async () => {
    const id = subject();
    const processes = [0, 1].map(() => new PiiVault(dataSource, { masterKey: MASTER }));
    const ciphertexts = await Promise.all(
      processes.map((p, i) => dataSource.transaction((tx) => p.encrypt(id, `tx ${i}`, tx))),
    );
    expect(await rowsOf(id)).toHaveLength(1);
    expect(await vault.decrypt(id, ciphertexts[0])).toBe('tx 0');
    expect(await vault.decrypt(id, ciphertexts[1])).toBe('tx 1');
  });

  it('leaves no key behind when the transaction that created it rolls back', async () => {
    const id = subject();
    await expect(
      dataSource.transaction(async (tx) => {
        await vault.encrypt(id, 'gone', tx);
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await rowsOf(id)).toHaveLength(0);
    // Nothing cached from the rolled-back transaction: the next key is stored for real.
    const ciphertext = await vault.encrypt(id, 'kept');
    expect(await new PiiVault(dataSource, { masterKey: MASTER }).decrypt(id, ciphertext)).toBe(
      'kept',
    );
  });

  it('makes every ciphertext of a shredded subject unreadable, in any process and table', async () => {
    const id = subject();
    const otherProcess = new PiiVault(dataSource, { masterKey: MASTER, cacheTtlMs: 0 });
    await dataSource.query(`CREATE TABLE IF NOT EXISTS copies (subject_id text, value text)`);
    const ciphertext = await vault.encrypt(id, '13800138000');
    await dataSource.query(`INSERT INTO copies VALUES ($1, $2)`, [id, ciphertext]);
    await vault.decrypt(id, ciphertext);

    await vault.shred(id);

    const [{ value }] = await dataSource.query(`SELECT value FROM copies WHERE subject_id = $1`, [
      id,
    ]);
    for (const reader of [vault, otherProcess]) {
      await expect(reader.decrypt(id, value)).rejects.toBeInstanceOf(PersonalDataErasedError);
    }
    await expect(vault.decrypt(id, ciphertext)).rejects.toMatchObject({
      code: 'personal_data_erased',
      status: 410,
    });
    const [row] = await rowsOf(id);
    expect(row).toMatchObject({ wrapped_key: null, master_key_id: null });
    expect(row.shredded_at).toBeInstanceOf(Date);
    expect(await vault.isShredded(id)).toBe(true);
  });

  it('refuses to encrypt again for a shredded subject, and shreds idempotently', async () => {
    const id = subject();
    await vault.encrypt(id, 'x');
    await vault.shred(id);
    const [{ shredded_at: first }] = await rowsOf(id);
    await vault.shred(id);
    const [{ shredded_at: again }] = await rowsOf(id);
    expect(again).toEqual(first);
    await expect(vault.encrypt(id, 'y')).rejects.toBeInstanceOf(PersonalDataErasedError);
  });

  it('tombstones a subject that never had a key, so that none is made later', async () => {
    const id = subject();
    await vault.shred(id);
    await expect(vault.encrypt(id, 'late')).rejects.toBeInstanceOf(PersonalDataErasedError);
  });

  it('shreds inside a transaction, and a rollback keeps the key', async () => {
    const id = subject();
    const ciphertext = await vault.encrypt(id, 'x');
    await expect(
      dataSource.transaction(async (tx) => {
        await vault.shred(id, tx);
        await expect(vault.decrypt(id, ciphertext, tx)).rejects.toBeInstanceOf(
          PersonalDataErasedError,
        );
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await vault.decrypt(id, ciphertext)).toBe('x');
  });

  it('holds a live key against a shred until the transaction that read it ends', async () => {
    const id = subject();
    await vault.encrypt(id, 'x');
    const order: string[] = [];
    let shred: Promise<void> | undefined;
    await dataSource.transaction(async (tx) => {
      expect(await vault.holdUnlessShredded(id, tx)).toBe(true);
      shred = dataSource
        .transaction((other) => vault.shred(id, other))
        .then(() => void order.push('shredded'));
      // The shred waits on the held row (PostgreSQL says so) and has not happened.
      for (let tries = 0; ; tries++) {
        const [{ waiting }] = await dataSource.query(
          `SELECT count(*)::int AS waiting FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        if (waiting > 0) break;
        if (tries > 500) throw new Error('The shred never waited for the held key');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(order).toEqual([]);
      order.push('held');
    });
    await shred;
    expect(order).toEqual(['held', 'shredded']);
    await dataSource.transaction(async (tx) => {
      expect(await vault.holdUnlessShredded(id, tx)).toBe(false);
      expect(await vault.holdUnlessShredded(subject(), tx)).toBe(false);
    });
  });

  it('refuses a tampered ciphertext', async () => {
    const id = subject();
    const ciphertext = await vault.encrypt(id, '6222020200112233445');
    const parts = ciphertext.split('.');
    const body = Buffer.from(parts[4], 'base64url');
    body[0] ^= 1;
    const tampered = [...parts.slice(0, 4), body.toString('base64url')].join('.');
    await expect(vault.decrypt(id, tampered)).rejects.toBeInstanceOf(InvalidCiphertextError);
    const tag = Buffer.from(parts[3], 'base64url');
    tag[15] ^= 0x80;
    const badTag = [...parts.slice(0, 3), tag.toString('base64url'), parts[4]].join('.');
    await expect(vault.decrypt(id, badTag)).rejects.toBeInstanceOf(InvalidCiphertextError);
    await expect(vault.decrypt(id, 'not a ciphertext')).rejects.toMatchObject({
      code: 'invalid_ciphertext',
    });
  });

  it('binds a ciphertext to its subject: moved to another, it does not open', async () => {
    const [alice, bob] = [subject(), subject()];
    const aliceCiphertext = await vault.encrypt(alice, '张三');
    await vault.encrypt(bob, '李四');
    await expect(vault.decrypt(bob, aliceCiphertext)).rejects.toBeInstanceOf(
      InvalidCiphertextError,
    );
    await expect(vault.decrypt(subject(), aliceCiphertext)).rejects.toBeInstanceOf(
      InvalidCiphertextError,
    );
  });

  it('binds a wrapped key to its subject: a key row copied to another does not unwrap', async () => {
    const [alice, mallory] = [subject(), subject()];
    const ciphertext = await vault.encrypt(alice, '张三');
    await dataSource.query(
      `INSERT INTO pii_data_keys (subject_id, key_id, wrapped_key, master_key_id)
       SELECT $2, key_id || '-copy', wrapped_key, master_key_id FROM pii_data_keys WHERE subject_id = $1`,
      [alice, mallory],
    );
    const forged = ciphertext.replace(/^pii1\.([^.]+)\./, 'pii1.$1-copy.');
    await expect(vault.decrypt(mallory, forged)).rejects.toThrow(/does not unwrap/);
    await dataSource.query(`DELETE FROM pii_data_keys WHERE subject_id = $1`, [mallory]);
  });

  it('forgets a cached key after its TTL, so a shred elsewhere is seen', async () => {
    let now = 0;
    const id = subject();
    const cached = new PiiVault(dataSource, {
      masterKey: MASTER,
      cacheTtlMs: 60_000,
      now: () => now,
    });
    const ciphertext = await cached.encrypt(id, 'x');
    await new PiiVault(dataSource, { masterKey: MASTER }).shred(id);
    expect(await cached.decrypt(id, ciphertext)).toBe('x');
    now = 60_000;
    await expect(cached.decrypt(id, ciphertext)).rejects.toBeInstanceOf(PersonalDataErasedError);
  });

  it('rewraps keys to a new master key, reading old ones meanwhile', async () => {
    const id = subject();
    const ciphertext = await vault.encrypt(id, 'before rotation');
    const next = { id: 'master-2', key: randomBytes(32) };
    const rotated = new PiiVault(dataSource, { masterKey: next, retiredMasterKeys: [MASTER] });
    expect(await rotated.decrypt(id, ciphertext)).toBe('before rotation');
    while ((await rotated.rewrap(100)) > 0);
    const [row] = await rowsOf(id);
    expect(row.master_key_id).toBe('master-2');
    const onlyNew = new PiiVault(dataSource, { masterKey: next });
    expect(await onlyNew.decrypt(id, ciphertext)).toBe('before rotation');
    await expect(
      new PiiVault(dataSource, { masterKey: MASTER }).decrypt(id, ciphertext),
    ).rejects.toThrow(/master key "master-2", which is not configured/);
  });

  it('encrypts bytes under the subject key, bound to their context, erased by a shred', async () => {
    const id = subject();
    const photo = Buffer.concat([Buffer.from('ID-CARD-BACK'), randomBytes(64)]);
    const sealed = await vault.encryptBytes(id, photo, 'document-1');
    expect(sealed.includes(Buffer.from('ID-CARD-BACK'))).toBe(false);
    expect((await vault.decryptBytes(id, sealed, 'document-1')).equals(photo)).toBe(true);
    await expect(vault.decryptBytes(id, sealed, 'document-2')).rejects.toBeInstanceOf(
      InvalidCiphertextError,
    );
    await expect(vault.decryptBytes(subject(), sealed, 'document-1')).rejects.toBeInstanceOf(
      InvalidCiphertextError,
    );
    // A value's ciphertext and a blob never stand in for each other.
    await expect(
      vault.decryptBytes(id, Buffer.from(await vault.encrypt(id, 'x')), 'x'),
    ).rejects.toBeInstanceOf(InvalidCiphertextError);
    await vault.shred(id);
    await expect(
      new PiiVault(dataSource, { masterKey: MASTER }).decryptBytes(id, sealed, 'document-1'),
    ).rejects.toBeInstanceOf(PersonalDataErasedError);
  });
});
