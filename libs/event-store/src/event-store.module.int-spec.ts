import { randomUUID } from 'node:crypto';
import { Global, Module } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig, dataSourceOptions } from '@shiming/common';
import { createTestDatabase, TestDatabase } from '../../../test/support/test-database';
import { metadata, newEvent } from '../test/fixtures';
import { EventStore } from './event-store';
import { EventStoreModule } from './event-store.module';
import { EVENT_STORE_CLOCK, EVENT_STORE_OPTIONS } from './event-store.options';
import { EventTypeRegistry } from './event-type-registry';
import { SubscriptionRegistry } from './subscriptions/subscription-registry';
import { SubscriptionsHost } from './subscriptions/subscriptions.host';

const FIXED = new Date('2026-03-01T08:00:00.000Z');

@Global()
@Module({
  providers: [
    { provide: EVENT_STORE_CLOCK, useValue: { now: () => FIXED } },
    { provide: APP_CONFIG, useValue: { subscriptions: { batchSize: 42, idlePollMs: 7 } } },
  ],
  exports: [EVENT_STORE_CLOCK, APP_CONFIG],
})
class TestEnvironmentModule {}

describe('EventStoreModule', () => {
  let db: TestDatabase;
  let app: TestingModule;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await Test.createTestingModule({
      imports: [
        TestEnvironmentModule,
        TypeOrmModule.forRoot(
          dataSourceOptions({ databaseUrl: db.url, migrations: [], poolSize: 4 }),
        ),
        EventStoreModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({ runSubscriptions: false, ...config.subscriptions }),
        }),
      ],
    }).compile();
    app.get(SubscriptionRegistry).register({ name: 'api-side', apply: async () => undefined });
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('takes its options from other providers', () => {
    expect(app.get(EVENT_STORE_OPTIONS)).toMatchObject({
      runSubscriptions: false,
      batchSize: 42,
      idlePollMs: 7,
    });
  });

  it('stamps events with the injected clock', async () => {
    app.get(EventTypeRegistry).register({ type: 'Module.Tested', schemaVersion: 1 });
    const store = app.get(EventStore);
    const stream = `m-${randomUUID()}`;
    await store.append(stream, 'no_stream', [newEvent('Module.Tested')], { metadata });
    const [event] = await store.readStream(stream);
    expect(event.recordedAt).toEqual(FIXED);
    expect(event.metadata.timestamp).toBe(FIXED.toISOString());
  });

  it('runs no subscriptions where they are disabled, and refuses late registrations', () => {
    expect(app.get(SubscriptionsHost).runs('api-side')).toBe(false);
    expect(() =>
      app.get(SubscriptionRegistry).register({ name: 'late', apply: async () => undefined }),
    ).toThrow('after start-up');
  });
});

describe('EventStoreModule on a database restored from a logical dump', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('refuses to run subscriptions when stored transaction ids are ahead of the database', async () => {
    const app = await Test.createTestingModule({
      imports: [
        TestEnvironmentModule,
        TypeOrmModule.forRoot(
          dataSourceOptions({ databaseUrl: db.url, migrations: [], poolSize: 4 }),
        ),
        EventStoreModule.forRoot({ runSubscriptions: true }),
      ],
    }).compile();
    app.get(EventTypeRegistry).register({ type: 'Thing.Happened', schemaVersion: 1 });
    app.get(SubscriptionRegistry).register({ name: 'restored', apply: async () => undefined });
    const store = app.get(EventStore);
    await store.append(`thing-${randomUUID()}`, 'no_stream', [newEvent('Thing.Happened')], {
      metadata,
    });
    // What a restore into a fresh cluster looks like: ids from a cluster far ahead.
    await app
      .get(DataSource)
      .query(
        `UPDATE es_events SET transaction_id = (pg_snapshot_xmax(pg_current_snapshot())::text::bigint + 4000000000)::text::xid8`,
      );
    await expect(app.init()).rejects.toThrow(/restored from a logical dump/);
    await app.close().catch(() => undefined);
  });
});
