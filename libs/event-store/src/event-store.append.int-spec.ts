import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@shiming/common';
import { createTestDatabase, TestDatabase } from '../../../test/support/test-database';
import { EventStore } from './event-store';
import { WrongExpectedVersionError } from './event-store.errors';
import { EventTypeRegistry } from './event-type-registry';

const metadata = { actor: { type: 'system' as const, id: 'test' }, correlationId: 'c-1' };
const event = (type = 'Thing.Happened', data: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  type,
  data,
});

describe('EventStore.append', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: EventStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await new DataSource(
      dataSourceOptions({ databaseUrl: db.url, migrations: [], poolSize: 40 }),
    ).initialize();
    const registry = new EventTypeRegistry().register({ type: 'Thing.Happened', schemaVersion: 1 });
    store = new EventStore(dataSource, registry, { now: () => new Date() });
  });

  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  it('creates a stream and appends to it at the expected version', async () => {
    const stream = `thing-${randomUUID()}`;
    const first = await store.append(stream, 'no_stream', [event(), event()], { metadata });
    expect(first.nextExpectedVersion).toBe(2);
    expect(first.globalPositions).toHaveLength(2);
    const second = await store.append(stream, 2, [event()], { metadata });
    expect(second.nextExpectedVersion).toBe(3);
    const read = await store.readStream(stream);
    expect(read.map((e) => e.streamVersion)).toEqual([1, 2, 3]);
    expect(read[0].metadata).toMatchObject({ correlationId: 'c-1', actor: { type: 'system' } });
  });

  it('lets exactly one of many racing appends at one expected version win', async () => {
    const stream = `thing-${randomUUID()}`;
    await store.append(stream, 'no_stream', [event()], { metadata });
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => store.append(stream, 1, [event()], { metadata })),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(19);
    for (const loss of lost) expect(loss.reason).toBeInstanceOf(WrongExpectedVersionError);
    expect(await store.currentVersion(undefined, stream)).toBe(2);
  });

  it('lets exactly one of two racing "no stream" appends create the stream', async () => {
    const stream = `thing-${randomUUID()}`;
    const results = await Promise.allSettled([
      store.append(stream, 'no_stream', [event()], { metadata }),
      store.append(stream, 'no_stream', [event()], { metadata }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await store.readStream(stream)).length).toBe(1);
  });

  it('treats a retried append with the same event ids as done, writing nothing twice', async () => {
    const stream = `thing-${randomUUID()}`;
    const events = [event(), event()];
    const first = await store.append(stream, 'no_stream', events, { metadata });
    const retry = await store.append(stream, 'no_stream', events, { metadata });
    expect(retry.duplicate).toBe(true);
    expect(retry.globalPositions).toEqual(first.globalPositions);
    expect((await store.readStream(stream)).length).toBe(2);
  });
});
