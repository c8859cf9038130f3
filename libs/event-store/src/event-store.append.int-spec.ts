import { watchStatements } from '../../../test/support/statements';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@shiming/common';
import { createTestDatabase, TestDatabase } from '../../../test/support/test-database';
import { EventStore } from './event-store';
import { DuplicateEventIdError, WrongExpectedVersionError } from './event-store.errors';
import type { LogPosition, StreamAppend } from './event-store.types';
import type { AlongsideWrite } from './event-store';
import { EventTypeRegistry } from './event-type-registry';

const metadata = { actor: { type: 'system' as const, id: 'test' }, correlationId: 'c-1' };
const event = (type = 'Thing.Happened', data: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  type,
  data,
});

function appendTo(streamId: string, expectedVersion: number, n = 0): StreamAppend {
  return {
    streamId,
    expectedVersion,
    event: { id: randomUUID(), type: 'Thing.Happened', data: { n } },
    metadata,
  };
}

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
  it('treats a retried one-event append as done, and refuses a version ahead of the stream', async () => {
    const stream = `thing-${randomUUID()}`;
    await store.append(stream, 'no_stream', [event()], { metadata });
    const one = event();
    const first = await store.append(stream, 1, [one], { metadata });
    const retry = await store.append(stream, 1, [one], { metadata });
    expect(retry).toMatchObject({ duplicate: true, nextExpectedVersion: 2 });
    expect(retry.globalPositions).toEqual(first.globalPositions);
    // Version 4 would leave a gap after 2: a conflict, never a write.
    const ahead = store.append(stream, 3, [event()], { metadata });
    await expect(ahead).rejects.toThrow(WrongExpectedVersionError);
    await expect(ahead).rejects.toMatchObject({ actual: 2 });
    expect((await store.readStream(stream)).map((e) => e.streamVersion)).toEqual([1, 2]);
  });

  it("leaves the caller's transaction usable after a version conflict, one event or several", async () => {
    const stream = `thing-${randomUUID()}`;
    await store.append(stream, 'no_stream', [event()], { metadata });
    await dataSource.transaction(async (tx) => {
      for (const events of [[event()], [event(), event()]]) {
        await expect(
          store.append(stream, 0, events, { metadata, transaction: tx }),
        ).rejects.toThrow(WrongExpectedVersionError);
      }
      // The transaction did not abort: it goes on and commits what follows.
      await store.append(stream, 1, [event()], { metadata, transaction: tx });
      await tx.query('SELECT 1');
    });
    expect((await store.readStream(stream)).map((e) => e.streamVersion)).toEqual([1, 2]);
  });

  it('appends at "any" version, creating the stream or extending it', async () => {
    const stream = `thing-${randomUUID()}`;
    expect((await store.append(stream, 'any', [event()], { metadata })).nextExpectedVersion).toBe(
      1,
    );
    expect(
      (await store.append(stream, 'any', [event(), event()], { metadata })).nextExpectedVersion,
    ).toBe(3);
    expect((await store.readStream(stream)).map((e) => e.streamVersion)).toEqual([1, 2, 3]);
  });

  it('appends at "stream_exists" only to a stream that has events', async () => {
    const stream = `thing-${randomUUID()}`;
    await expect(store.append(stream, 'stream_exists', [event()], { metadata })).rejects.toThrow(
      WrongExpectedVersionError,
    );
    expect(await store.currentVersion(undefined, stream)).toBeNull();
    await store.append(stream, 'no_stream', [event()], { metadata });
    const result = await store.append(stream, 'stream_exists', [event()], { metadata });
    expect(result.nextExpectedVersion).toBe(2);
  });

  it("leaves nothing behind when the caller's transaction rolls back", async () => {
    const stream = `thing-${randomUUID()}`;
    const events = [event(), event()];
    await expect(
      dataSource.transaction(async (tx) => {
        await store.append(stream, 'no_stream', events, { metadata, transaction: tx });
        expect((await store.readStream(stream, 1, { transaction: tx })).length).toBe(2);
        throw new Error('caller changed its mind');
      }),
    ).rejects.toThrow('caller changed its mind');
    expect(await store.readStream(stream)).toEqual([]);
    expect(await store.currentVersion(undefined, stream)).toBeNull();
    // The ids are free again: nothing of the rolled-back append survives.
    const retried = await store.append(stream, 'no_stream', events, { metadata });
    expect(retried.duplicate).toBe(false);
  });

  it('refuses event ids already used in another stream, whatever their place in the batch', async () => {
    const first = `thing-${randomUUID()}`;
    const used = event();
    await store.append(first, 'no_stream', [used], { metadata });
    const other = `thing-${randomUUID()}`;
    await expect(store.append(other, 'no_stream', [used], { metadata })).rejects.toThrow(
      DuplicateEventIdError,
    );
    await expect(store.append(other, 'no_stream', [event(), used], { metadata })).rejects.toThrow(
      DuplicateEventIdError,
    );
    expect(await store.readStream(other)).toEqual([]);
    expect((await store.readStream(first)).map((e) => e.eventId)).toEqual([used.id]);
  });

  describe('a write alongside the append', () => {
    beforeAll(async () => {
      await dataSource.query('CREATE TABLE alongside_rows (stream_id text, note text)');
    });

    const note = (streamId: string, text: string): AlongsideWrite => ({
      sql: ($, appended) =>
        `INSERT INTO alongside_rows (stream_id, note)
         SELECT ${$(1)}::text, ${$(2)}::text WHERE EXISTS (SELECT 1 FROM ${appended})`,
      params: [streamId, text],
    });
    const notesOf = async (streamId: string) =>
      (
        await dataSource.query<{ note: string }[]>(
          'SELECT note FROM alongside_rows WHERE stream_id = $1 ORDER BY note',
          [streamId],
        )
      ).map((row) => row.note);

    it('is made with one event or several, and not for a refused append nor a repeat', async () => {
      const stream = `thing-${randomUUID()}`;
      await store.append(stream, 'no_stream', [event(), event()], {
        metadata,
        alongside: note(stream, 'a: several'),
      });
      const repeated = event();
      await store.append(stream, 2, [repeated], { metadata, alongside: note(stream, 'b: one') });
      await expect(
        store.append(stream, 1, [event()], { metadata, alongside: note(stream, 'c: conflict') }),
      ).rejects.toBeInstanceOf(WrongExpectedVersionError);
      const again = await store.append(stream, 2, [repeated], {
        metadata,
        alongside: note(stream, 'd: repeat'),
      });
      expect(again.duplicate).toBe(true);
      expect(await notesOf(stream)).toEqual(['a: several', 'b: one']);
      expect(await store.currentVersion(undefined, stream)).toBe(3);
    });

    it("travels in the append's statement, one event or several, and rolls back with the caller", async () => {
      const stream = `thing-${randomUUID()}`;
      await store.append(stream, 'no_stream', [event()], { metadata });
      await dataSource
        .transaction(async (tx) => {
          const sent = await watchStatements(tx);
          await store.append(stream, 1, [event()], {
            metadata,
            transaction: tx,
            alongside: note(stream, 'one'),
          });
          await store.append(stream, 2, [event(), event()], {
            metadata,
            transaction: tx,
            alongside: note(stream, 'several'),
          });
          expect(sent.texts()).toHaveLength(2);
          sent.stop();
          const inside = await tx.query<{ note: string }[]>(
            'SELECT note FROM alongside_rows WHERE stream_id = $1 ORDER BY note',
            [stream],
          );
          expect(inside.map((row) => row.note)).toEqual(['one', 'several']);
          expect(await notesOf(stream)).toEqual([]);
          throw new Error('roll back');
        })
        .catch(() => undefined);
      expect(await notesOf(stream)).toEqual([]);
      expect(await store.currentVersion(undefined, stream)).toBe(1);
    });
  });

  it('reads a stream from a version on, up to a limit', async () => {
    const stream = `thing-${randomUUID()}`;
    const events = Array.from({ length: 5 }, (_, i) => event('Thing.Happened', { i }));
    await store.append(stream, 'no_stream', events, { metadata });
    const fromThree = await store.readStream(stream, 3);
    expect(fromThree.map((e) => [e.streamVersion, e.data])).toEqual([
      [3, { i: 2 }],
      [4, { i: 3 }],
      [5, { i: 4 }],
    ]);
    expect((await store.readStream(stream, 2, { limit: 2 })).map((e) => e.streamVersion)).toEqual([
      2, 3,
    ]);
    expect(await store.readStream(stream, 6)).toEqual([]);
  });

  it('announces an append to in-process listeners once it is committed, never a rolled-back one', async () => {
    const heard: LogPosition[] = [];
    const stopListening = store.onAppended((position) => heard.push(position));
    try {
      const plain = await store.append(`thing-${randomUUID()}`, 'no_stream', [event()], {
        metadata,
      });
      expect(heard).toEqual([plain.position]);

      const runner = dataSource.createQueryRunner();
      await runner.startTransaction();
      const inTx = await store.append(`thing-${randomUUID()}`, 'no_stream', [event()], {
        metadata,
        transaction: runner.manager,
      });
      expect(heard).toHaveLength(1);
      await runner.commitTransaction();
      await runner.release();
      expect(heard).toEqual([plain.position, inTx.position]);

      await dataSource
        .transaction(async (tx) => {
          await store.append(`thing-${randomUUID()}`, 'no_stream', [event()], {
            metadata,
            transaction: tx,
          });
          throw new Error('rolled back');
        })
        .catch(() => undefined);
      expect(heard).toHaveLength(2);
    } finally {
      stopListening();
    }
  });

  describe('appendEach and readStreams', () => {
    const streams = (n: number) => Array.from({ length: n }, () => `thing-${randomUUID()}`);

    it('appends one event to each stream at its version, answering in the order asked', async () => {
      const [a, b, c] = streams(3);
      await store.append(b, 'no_stream', [appendTo(b, 0).event], { metadata });
      const results = await store.appendEach([
        appendTo(a, 0, 1),
        appendTo(b, 1, 2),
        appendTo(c, 0, 3),
      ]);
      expect(results.map((r) => r?.nextExpectedVersion)).toEqual([1, 2, 1]);
      expect(new Set(results.map((r) => r!.position.transactionId)).size).toBe(1);

      const read = await store.readStreams([a, b, c, `thing-${randomUUID()}`]);
      expect(results.map((r) => r!.position.globalPosition)).toEqual(
        [a, b, c].map((s) => read.get(s)!.at(-1)!.position.globalPosition),
      );
      expect([...read.keys()].sort()).toEqual([a, b, c].sort());
      expect(read.get(b)!.map((e) => e.streamVersion)).toEqual([1, 2]);
      expect(read.get(b)![1]).toMatchObject({
        data: { n: 2 },
        metadata: { correlationId: 'c-1' },
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
      expect([moved, fresh, repeated, behind].map((s) => read.get(s)!.length)).toEqual([
        1, 1, 1, 1,
      ]);
    });

    it('refuses an event id stored on another stream, or given twice, and only that append', async () => {
      const [first, second, third, fourth, fifth] = streams(5);
      const taken = appendTo(first, 0);
      await store.appendEach([taken]);
      const twin = appendTo(third, 0);
      const results = await store.appendEach([
        { ...appendTo(second, 0), event: taken.event }, // stored already, on `first`
        twin,
        { ...appendTo(fourth, 0), event: twin.event }, // twin's id again
        appendTo(fifth, 0),
      ]);
      expect(results[0]).toBeNull();
      // Of the two with one id, the stream written first (in stream order) gets it.
      expect(results[1]?.streamId ?? results[2]?.streamId).toBe([third, fourth].sort()[0]);
      expect([results[1], results[2]].filter((r) => r !== null)).toHaveLength(1);
      expect(results[3]?.streamId).toBe(fifth);
      const read = await store.readStreams([second, third, fourth]);
      expect(read.has(second)).toBe(false);
      expect([...read.values()].flat().map((e) => e.eventId)).toEqual([twin.event.id]);
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

    it('lets racing batches over overlapping streams, in opposite orders, each take a stream once', async () => {
      for (let round = 0; round < 5; round++) {
        const shared = streams(30);
        const leftStreams = shared.slice(0, 20);
        const rightStreams = shared.slice(10).reverse();
        const [left, right] = await Promise.all(
          [leftStreams, rightStreams].map((batch) =>
            store.appendEach(batch.map((s) => appendTo(s, 0))),
          ),
        );
        const won = new Map<string, number>();
        for (const [batch, results] of [
          [leftStreams, left],
          [rightStreams, right],
        ] as const) {
          results.forEach((r, i) => r && won.set(batch[i], (won.get(batch[i]) ?? 0) + 1));
        }
        // Every stream taken by exactly one batch: the ones only one batch named by it.
        expect(shared.every((s) => won.get(s) === 1)).toBe(true);
        expect(shared.slice(0, 10).every((s) => left[leftStreams.indexOf(s)] !== null)).toBe(true);
        expect(shared.slice(20).every((s) => right[rightStreams.indexOf(s)] !== null)).toBe(true);
      }
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
});
