import { randomBytes } from 'node:crypto';
import { dataSourceOptions, KeyedHash } from '@shiming/common';
import { DataSource } from 'typeorm';
import { RandomIdGenerator } from '@shiming/workflow';
import { buildResidentIdNumber } from '@shiming/common';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { IdentityLookup } from './identity-lookup.repository';

describe('IdentityLookup on PostgreSQL', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  const hash = new KeyedHash(randomBytes(32));
  const lookup = new IdentityLookup(hash, new RandomIdGenerator());
  let serial = 0;
  const idNumber = () =>
    buildResidentIdNumber({ birthDate: `1980-01-${String(++serial).padStart(2, '0')}` });
  const register = (id: string, subject: string) =>
    dataSource.transaction((tx) => lookup.register(tx, id, subject));
  const forget = (subject: string) => dataSource.transaction((tx) => lookup.forget(tx, subject));
  const hashes = async (id: string): Promise<number> =>
    Number(
      (
        await dataSource.query(`SELECT count(*) FROM identity_index WHERE id_hash = $1`, [
          hash.idNumberHash(id),
        ])
      )[0].count,
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await new DataSource(
      dataSourceOptions({ databaseUrl: db.url, migrations: [], poolSize: 8 }),
    ).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('gives every submission of one ID number the same registry, whatever its spelling', async () => {
    const id = idNumber();
    const first = await register(id, 'identity:1');
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(await register(` ${id.toLowerCase()} `, 'identity:2')).toBe(first);
    expect(await register(idNumber(), 'identity:3')).not.toBe(first);
  });

  it('deletes the hash with the last submission of the number, and only then', async () => {
    const id = idNumber();
    const registry = await register(id, 'identity:a');
    await register(id, 'identity:b');
    await forget('identity:a');
    expect(await hashes(id)).toBe(1);
    await forget('identity:b');
    await forget('identity:b');
    expect(await hashes(id)).toBe(0);
    // The number submitted again starts a registry that nothing links to the old one.
    const again = await register(id, 'identity:c');
    expect(again).not.toBe(registry);
  });

  it('leaves nothing when the submission is not recorded', async () => {
    const id = idNumber();
    await expect(
      dataSource.transaction(async (tx) => {
        await lookup.register(tx, id, 'identity:refused');
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(await hashes(id)).toBe(0);
  });

  it('keeps a number registered while it is forgotten and submitted again at once', async () => {
    for (let round = 0; round < 10; round++) {
      const id = idNumber();
      await register(id, `identity:old-${round}`);
      const [registry] = await Promise.all([
        register(id, `identity:new-${round}`),
        forget(`identity:old-${round}`),
      ]);
      // Whichever ran first, the new submission's registry is the one the hash finds.
      const [row]: { registry_id: string }[] = await dataSource.query(
        `SELECT i.registry_id FROM identity_index i
           JOIN identity_subjects s ON s.registry_id = i.registry_id
          WHERE s.subject_id = $1 AND i.id_hash = $2`,
        [`identity:new-${round}`, hash.idNumberHash(id)],
      );
      expect(row?.registry_id).toBe(registry);
    }
  });
});
