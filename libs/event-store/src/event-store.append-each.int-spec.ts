import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@shiming/common';
import { createTestDatabase, TestDatabase } from '../../../test/support/test-database';
import { EventStore } from './event-store';
import type { StreamAppend } from './event-store.types';
import { EventTypeRegistry } from './event-type-registry';

const metadata = { actor: { type: 'system' as const, id: 'test' }, correlationId: 'c-each' };

function appendTo(streamId: string, expectedVersion: number, n = 0): StreamAppend {
  return {
    streamId,
    expectedVersion,
    event: { id: randomUUID(), type: 'Thing.Happened', data: { n } },
    metadata,
  };
}

describe('EventStore.appendEach and readStreams', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: EventStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await new DataSource(
      dataSourceOptions({ databaseUrl: db.url, migrations: [], poolSize: 10 }),
    ).initialize();
    const registry = new EventTypeRegistry().register({ type: 'Thing.Happened', schemaVersion: 1 });
    store = new EventStore(dataSource, registry, { now: () => new Date() });
  });

  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  const streams = (n: number) => Array.from({ length: n }, () => `thing-${randomUUID()}`);

  it('appends one event to each stream at its version, in the order given', async () => {
    const [a, b, c] = streams(3);
    await store.append(b, 'no_stream', [appendTo(b, 0).event], { metadata });
    const results = await store.appendEach([
      appendTo(a, 0, 1),
      appendTo(b, 1, 2),
      appendTo(c, 0, 3),
    ]);
    expect(results.map((r) => r?.nextExpectedVersion)).toEqual([1, 2, 1]);
    const positions = results.map((r) => r!.position.globalPosition);
    expect([...positions].sort((x, y) => (x < y ? -1 : 1))).toEqual(positions);
    expect(new Set(results.map((r) => r!.position.transactionId)).size).toBe(1);

    const read = await store.readStreams([a, b, c, `thing-${randomUUID()}`]);
    expect([...read.keys()].sort()).toEqual([a, b, c].sort());
    expect(read.get(b)!.map((e) => e.streamVersion)).toEqual([1, 2]);
    expect(read.get(b)![1]).toMatchObject({
      data: { n: 2 },
      metadata: { correlationId: 'c-each' },
    });
    expect(read.get(b)![1].metadata.timestamp).toEqual(expect.any(String));
  });

  it('refuses only the appends whose stream moved on, or whose event is already stored', async () => {
    const [moved, fresh, repeated, behind] = streams(4);
    await store.append(moved, 'no_stream', [appendTo(moved, 0).event], { metadata });
    const again = appendTo(repeated, 0);
    await store.appendEach([again]);
    await store.append(behind, 'no_stream', [appendTo(behind, 0).event], { metadata });

    const results = await store.appendEach([
      appendTo(moved, 0), // the stream has an event already
      appendTo(fresh, 0),
      again, // the same event again: a repeated command
      appendTo(behind, 5), // the stream is not that far yet
    ]);
    expect(results.map((r) => r === null)).toEqual([true, false, true, true]);
    const read = await store.readStreams([moved, fresh, repeated, behind]);
    expect([moved, fresh, repeated, behind].map((s) => read.get(s)!.length)).toEqual([1, 1, 1, 1]);
  });

  it('writes in the caller’s transaction, and a refusal leaves that transaction usable', async () => {
    const [taken, free] = streams(2);
    await store.append(taken, 'no_stream', [appendTo(taken, 0).event], { metadata });
    await expect(
      dataSource.transaction(async (tx) => {
        const results = await store.appendEach([appendTo(taken, 0), appendTo(free, 0)], {
          transaction: tx,
        });
        expect(results.map((r) => r === null)).toEqual([true, false]);
        // Still usable after the refusal: the next statement runs.
        expect(await store.currentVersion(tx, free)).toBe(1);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await store.currentVersion(undefined, free)).toBeNull();
  });

  it('lets one of two racing batches take a stream, and the other keeps the rest', async () => {
    const shared = streams(20);
    const [left, right] = await Promise.all(
      [0, 1].map(() => store.appendEach(shared.map((s) => appendTo(s, 0)))),
    );
    for (const [i] of shared.entries()) {
      expect([left[i], right[i]].filter((r) => r !== null)).toHaveLength(1);
    }
    const read = await store.readStreams(shared);
    expect(shared.every((s) => read.get(s)!.length === 1)).toBe(true);
  });

  it('takes each stream at most once, and a version that is a count', async () => {
    const [a] = streams(1);
    await expect(store.appendEach([appendTo(a, 0), appendTo(a, 1)])).rejects.toThrow(
      'at most once',
    );
    await expect(store.appendEach([appendTo(a, -1)])).rejects.toThrow('Invalid expected version');
    expect(await store.appendEach([])).toEqual([]);
  });
});
