import { dataSourceOptions } from '@shiming/common';
import { DataSource } from 'typeorm';
import { applicationMigrations } from '../../../../apps/shared/migrations';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';

// An upgrade of a database written by the release before: its events carry the ID
// number's keyed hash and masks, and its registry streams are named by the hash.
describe('migration IdentityIndex1765000000000', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  const LIVE_HASH = 'a'.repeat(64);
  const ERASED_HASH = 'b'.repeat(64);

  const earlier = applicationMigrations.filter(
    (migration) => !/^(IdentityIndex|DocumentsPerIdentity)/.test(migration.name),
  );

  beforeAll(async () => {
    db = await createTestDatabase(null);
    const before = await new DataSource(
      dataSourceOptions({ databaseUrl: db.url, migrations: earlier, poolSize: 2 }),
    ).initialize();
    await before.runMigrations({ transaction: 'each' });
    const append = (stream: string, version: number, type: string, data: object) =>
      before.query(
        `INSERT INTO es_events (stream_id, stream_version, event_id, event_type, schema_version, data, metadata, recorded_at)
         VALUES ($1, $2, gen_random_uuid(), $3, 1, $4, '{}', now())`,
        [stream, version, type, JSON.stringify(data)],
      );
    const identity = (subjectId: string, idHash: string) => ({
      at: '2026-01-05T01:00:00.000Z',
      identity: {
        subjectId,
        encrypted: { name: 'pii1.x.y.z.w', idNumber: 'pii1.x.y.z.v' },
        idHash,
        idMasked: '110101********1234',
        nameMasked: '张*',
      },
    });
    // A live holder, an account whose identity was taken and erased, and its taker.
    await append('verification-live', 1, 'IdentitySubmitted', identity('identity:live', LIVE_HASH));
    await append(
      'verification-lost',
      1,
      'IdentitySubmitted',
      identity('identity:lost', ERASED_HASH),
    );
    await append('verification-lost', 2, 'IdentityRevoked', {
      at: '2026-01-06T01:00:00.000Z',
      idHash: ERASED_HASH,
      reason: 'claimed_by_owner',
      byAccountId: 'taker',
      notice: 'removed',
    });
    await append('verification-taker', 1, 'IdentityReclaimed', {
      at: '2026-01-06T01:00:00.000Z',
      holderAccountId: 'lost',
      idHash: ERASED_HASH,
    });
    await append('verification-live', 2, 'BankCardSubmitted', {
      at: '2026-01-07T01:00:00.000Z',
      card: { encrypted: { cardNumber: 'c', mobile: 'm' }, cardLast4: '3445', bound: false },
    });
    await append(`identity-${LIVE_HASH}`, 1, 'IdentityHolderRecorded', {
      accountId: 'live',
      via: 'authority',
    });
    await before.query(
      `INSERT INTO pii_data_keys (subject_id, key_id, shredded_at) VALUES ('identity:lost', 'k', now())`,
    );
    await before.destroy();

    dataSource = await new DataSource(
      dataSourceOptions({
        databaseUrl: db.url,
        migrations: applicationMigrations,
        poolSize: 2,
      }),
    ).initialize();
    await dataSource.runMigrations({ transaction: 'each' });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('leaves no hash or mask in any event, and renames registry streams', async () => {
    const events: { stream_id: string; schema_version: number; data: object }[] =
      await dataSource.query(`SELECT stream_id, schema_version, data FROM es_events`);
    const text = JSON.stringify(events);
    for (const gone of [LIVE_HASH, ERASED_HASH, 'idMasked', 'nameMasked', 'cardLast4', '3445']) {
      expect(text).not.toContain(gone);
    }
    expect(
      events.filter((e) => e.stream_id.startsWith('verification-')).map((e) => e.schema_version),
    ).toEqual([2, 2, 2, 2, 2]);
    const [registry] = events.filter((e) => e.stream_id.startsWith('identity-'));
    const [live] = await dataSource.query(
      `SELECT registry_id FROM identity_index WHERE id_hash = $1`,
      [LIVE_HASH],
    );
    expect(registry.stream_id).toBe(`identity-${live.registry_id}`);
  });

  it('keeps the lookup of a live submission and forgets the erased one', async () => {
    expect(await dataSource.query(`SELECT id_hash FROM identity_index`)).toEqual([
      { id_hash: LIVE_HASH },
    ]);
    expect(await dataSource.query(`SELECT subject_id FROM identity_subjects`)).toEqual([
      { subject_id: 'identity:live' },
    ]);
    const [taker] = await dataSource.query(
      `SELECT data FROM es_events WHERE stream_id = 'verification-taker'`,
    );
    const [lost] = await dataSource.query(
      `SELECT data FROM es_events WHERE stream_id = 'verification-lost' AND stream_version = 2`,
    );
    // The taker and the revocation still name the same (now unfindable) registry.
    expect(taker.data.registryId).toMatch(/^[0-9a-f-]{36}$/);
    expect(lost.data.registryId).toBe(taker.data.registryId);
  });
});
