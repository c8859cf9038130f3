import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../../../../test/support/test-database';
import { AfterCommit } from './after-commit';
import { dataSourceOptions } from './bootstrap';

describe('AfterCommit on PostgreSQL', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  const ran: string[][] = [];
  let afterCommit: AfterCommit<string[]>;

  beforeAll(async () => {
    db = await createTestDatabase(null);
    dataSource = new DataSource(
      dataSourceOptions({
        databaseUrl: db.url,
        migrations: [],
        poolSize: 2,
        applicationName: 'after-commit-spec',
      }),
    );
    await dataSource.initialize();
    afterCommit = new AfterCommit(
      dataSource,
      (value) => ran.push(value),
      (held, next) => [...held, ...next],
    );
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  beforeEach(() => {
    ran.length = 0;
  });

  it('runs at once outside a transaction', () => {
    afterCommit.defer(undefined, ['alone']);
    afterCommit.defer(dataSource.manager, ['no transaction']);
    expect(ran).toEqual([['alone'], ['no transaction']]);
  });

  it('runs what a transaction held, merged, once its outermost transaction commits', async () => {
    await dataSource.transaction(async (tx) => {
      afterCommit.defer(tx, ['a']);
      // A savepoint's release "commits" too, while the rows are still invisible.
      await tx.transaction(async (nested) => {
        afterCommit.defer(nested, ['b']);
      });
      expect(ran).toEqual([]);
      afterCommit.defer(tx, ['c']);
    });
    expect(ran).toEqual([['a', 'b', 'c']]);
  });

  it('drops what a transaction held when it rolls back, and keeps transactions apart', async () => {
    const other = dataSource.createQueryRunner();
    await other.connect();
    await other.startTransaction();
    try {
      afterCommit.defer(other.manager, ['other']);
      await expect(
        dataSource.transaction(async (tx) => {
          afterCommit.defer(tx, ['rolled back']);
          throw new Error('command failed');
        }),
      ).rejects.toThrow('command failed');
      expect(ran).toEqual([]);
      await other.commitTransaction();
      expect(ran).toEqual([['other']]);
    } finally {
      await other.release();
    }
  });
});
