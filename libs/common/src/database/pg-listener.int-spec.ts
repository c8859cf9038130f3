import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../../../../test/support/test-database';
import { dataSourceOptions } from './bootstrap';
import { PgListener } from './pg-listener';

describe('PgListener on PostgreSQL', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase(null);
    dataSource = new DataSource(
      dataSourceOptions({
        databaseUrl: db.url,
        migrations: [],
        poolSize: 1,
        applicationName: 'listener-spec',
      }),
    );
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  function until(check: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      const timer = setInterval(() => {
        if (check()) {
          clearInterval(timer);
          resolve();
        }
      }, 20);
    });
  }

  it('listens outside the pool, and listens again after its connection is cut', async () => {
    const heard: string[] = [];
    let reconnected = 0;
    const listener = new PgListener(dataSource, {
      channels: ['spec_channel'],
      onNotification: (channel, payload) => heard.push(`${channel}:${payload}`),
      onReconnected: () => reconnected++,
      onError: () => undefined,
      retryMs: 50,
    });
    await listener.start();
    try {
      // The pool's only connection is still free for queries while the listener holds its own.
      await dataSource.query(`SELECT pg_notify('spec_channel', 'one')`);
      await until(() => heard.length === 1);

      await dataSource.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE application_name = 'listener-spec-listener'`,
      );
      await until(() => reconnected === 1 && listener.listening);
      await dataSource.query(`SELECT pg_notify('spec_channel', 'two')`);
      await until(() => heard.length === 2);
      expect(heard).toEqual(['spec_channel:one', 'spec_channel:two']);
    } finally {
      await listener.stop();
    }
    // Its server process ends once the connection closed (the server may take a moment).
    for (;;) {
      const [{ count }] = await dataSource.query(
        `SELECT count(*)::int AS count FROM pg_stat_activity
         WHERE application_name = 'listener-spec-listener'`,
      );
      if (count === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
});
