import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../../../../test/support/test-database';
import { dataSourceOptions } from './bootstrap';
import { preparedQuery } from './prepared-query';

describe('preparedQuery on PostgreSQL', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase(null);
    dataSource = new DataSource(
      dataSourceOptions({
        databaseUrl: db.url,
        migrations: [],
        poolSize: 2,
        applicationName: 'prepared-query-spec',
      }),
    );
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE notes (id int PRIMARY KEY, note text NOT NULL)');
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  const INSERT = 'INSERT INTO notes (id, note) VALUES ($1, $2) RETURNING id';
  const READ = 'SELECT note FROM notes WHERE id = $1';

  it("runs in the manager's transaction, prepared once on its connection", async () => {
    await dataSource
      .transaction(async (tx) => {
        expect(await preparedQuery(tx, INSERT, [1, 'one'])).toEqual([{ id: 1 }]);
        expect(await preparedQuery(tx, INSERT, [2, 'two'])).toEqual([{ id: 2 }]);
        // Seen inside, where only this transaction sees it.
        expect(await preparedQuery(tx, READ, [2])).toEqual([{ note: 'two' }]);
        const prepared: { statement: string }[] = await tx.query(
          'SELECT statement FROM pg_prepared_statements WHERE statement = $1',
          [INSERT],
        );
        expect(prepared).toHaveLength(1);
        throw new Error('roll back');
      })
      .catch((error: Error) => expect(error.message).toBe('roll back'));
    // Rolled back with the transaction.
    expect(await preparedQuery(dataSource, READ, [2])).toEqual([]);
  });

  it('runs on the pool without a transaction, and fails with the values taken out', async () => {
    await preparedQuery(dataSource, INSERT, [3, 'three']);
    expect(await preparedQuery(dataSource.manager, READ, [3])).toEqual([{ note: 'three' }]);

    const failure = await preparedQuery(dataSource, INSERT, [3, 'secret value']).then(
      () => ({}) as Record<string, unknown>,
      (error: unknown) => error as Record<string, unknown>,
    );
    expect(failure).toMatchObject({ code: '23505' });
    // PostgreSQL's detail names the key's value: taken out.
    expect(failure.detail).toBeUndefined();
    expect(JSON.stringify(failure)).not.toContain('secret value');
  });
});
