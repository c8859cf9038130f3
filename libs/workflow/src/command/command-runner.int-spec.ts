import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { dataSourceOptions } from '@shiming/common';
import { EventStore, EventTypeRegistry, WrongExpectedVersionError } from '@shiming/event-store';
import { createTestDatabase, TestDatabase } from '../../../../test/support/test-database';
import { CommandRunner, type EffectsHook } from './command-runner';
import { Decider } from './decider';

// A tally that accepts additions up to a cap: small enough to read, and its
// decisions depend on the state, so a lost update would show.
type TallyEvent = { type: 'Tally.Added'; data: { amount: number } };
// `times` adds the amount that many times, one event each; adding 0 decides nothing.
type TallyCommand = { add: number; times?: number };
const CAP = 100;
const tally: Decider<number, TallyCommand, TallyEvent> = {
  initialState: () => 0,
  evolve: (total, event) => total + event.data.amount,
  decide: ({ add, times = 1 }, total) => {
    if (total + add * times > CAP) throw new Error('over the cap');
    if (add === 0) return [];
    return Array.from({ length: times }, () => ({ type: 'Tally.Added', data: { amount: add } }));
  },
};

const metadata = { actor: { type: 'system' as const, id: 'test' }, correlationId: 'c' };

/** Effects that are only writes, given the events and the states after and before them. */
function writesWith(
  write: (tx: EntityManager, events: TallyEvent[], after: number, before: number) => Promise<void>,
): EffectsHook<number, TallyEvent, null> {
  return {
    of: () => null,
    apply: (tx, _effects, { events, after, before }) => write(tx, events, after, before),
  };
}

describe('CommandRunner', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: EventStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await new DataSource(
      dataSourceOptions({ databaseUrl: db.url, migrations: [], poolSize: 30 }),
    ).initialize();
    store = new EventStore(
      dataSource,
      new EventTypeRegistry().register({ type: 'Tally.Added', schemaVersion: 1 }),
      { now: () => new Date() },
    );
  });

  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  const run = (runner: CommandRunner, streamId: string, add: number, commandId = randomUUID()) =>
    runner.run({ streamId, decider: tally, command: { add }, commandId, metadata });

  it('decides racing commands again on the new state until each has appended', async () => {
    const runner = new CommandRunner(dataSource, store, 20);
    const streamId = `tally-${randomUUID()}`;
    await Promise.all(Array.from({ length: 10 }, () => run(runner, streamId, 10)));
    const events = await store.readStream(streamId);
    expect(events).toHaveLength(10);
    expect(events.map((e) => e.streamVersion)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('never lets racing commands break an invariant of the state', async () => {
    const runner = new CommandRunner(dataSource, store, 50);
    const streamId = `tally-${randomUUID()}`;
    const results = await Promise.allSettled(
      Array.from({ length: 15 }, () => run(runner, streamId, 10)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
    const total = (await store.readStream(streamId)).reduce(
      (sum, e) => sum + (e.data as { amount: number }).amount,
      0,
    );
    expect(total).toBe(CAP);
  });

  it('gives up with a version conflict after the bounded number of retries', async () => {
    const runner = new CommandRunner(dataSource, store, 0);
    const streamId = `tally-${randomUUID()}`;
    await run(runner, streamId, 1);
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => run(runner, streamId, 1)),
    );
    const conflicts = results.filter(
      (r) => r.status === 'rejected' && r.reason instanceof WrongExpectedVersionError,
    );
    expect(conflicts.length).toBeGreaterThan(0);
    expect((conflicts[0] as PromiseRejectedResult).reason.code).toBe('version_conflict');
  });

  it('stores the events of one command once when two runners decide it on the same state', async () => {
    const runner = new CommandRunner(dataSource, store, 5);
    const streamId = `tally-${randomUUID()}`;
    const commandId = randomUUID();
    const [a, b] = await Promise.all([
      run(runner, streamId, 5, commandId),
      run(runner, streamId, 5, commandId),
    ]);
    expect([a.append?.duplicate, b.append?.duplicate].sort()).toEqual([false, true]);
    expect(await store.readStream(streamId)).toHaveLength(1);
  });

  it('commits the extra writes with the events, and neither when the decision fails', async () => {
    await dataSource.query('CREATE TABLE IF NOT EXISTS tally_outbox (stream_id text, total int)');
    const runner = new CommandRunner(dataSource, store, 5);
    const streamId = `tally-${randomUUID()}`;
    const withEvents = async (tx: EntityManager, _e: unknown, total: number) => {
      await tx.query('INSERT INTO tally_outbox VALUES ($1, $2)', [streamId, total]);
    };
    await runner.run({
      streamId,
      decider: tally,
      command: { add: 60 },
      commandId: randomUUID(),
      metadata,
      effects: writesWith(withEvents),
    });
    await expect(
      runner.run({
        streamId,
        decider: tally,
        command: { add: 60 },
        commandId: randomUUID(),
        metadata,
        effects: writesWith(withEvents),
      }),
    ).rejects.toThrow('over the cap');
    const rows = await dataSource.query('SELECT total FROM tally_outbox WHERE stream_id = $1', [
      streamId,
    ]);
    expect(rows).toEqual([{ total: 60 }]);
  });

  it('does not decide again inside the caller’s transaction when a write that goes with the events conflicts', async () => {
    const runner = new CommandRunner(dataSource, store, 5);
    const streamId = `tally-${randomUUID()}`;
    const otherStream = `tally-${randomUUID()}`;
    await store.append(
      otherStream,
      'no_stream',
      [{ id: randomUUID(), type: 'Tally.Added', data: { amount: 1 } }],
      { metadata },
    );
    let sideWrites = 0;
    await expect(
      dataSource.transaction((tx) =>
        runner.run({
          streamId,
          decider: tally,
          command: { add: 1 },
          commandId: randomUUID(),
          metadata,
          transaction: tx,
          effects: writesWith(async (inner) => {
            sideWrites++;
            // A stale expected version on another stream: a conflict in the side write.
            await store.append(
              otherStream,
              'no_stream',
              [{ id: randomUUID(), type: 'Tally.Added', data: { amount: 1 } }],
              { metadata, transaction: inner },
            );
          }),
        }),
      ),
    ).rejects.toMatchObject({ name: 'SideWriteConflictError', code: 'version_conflict' });
    expect(sideWrites).toBe(1);
    expect(await store.readStream(streamId)).toEqual([]);
  });

  describe('runMany', () => {
    const request = (streamId: string, command: TallyCommand, commandId = randomUUID()) => ({
      streamId,
      decider: tally,
      command,
      commandId,
      metadata,
    });
    const totals = async (streamIds: string[]) => {
      const streams = await store.readStreams(streamIds);
      return streamIds.map((id) =>
        (streams.get(id) ?? []).reduce((sum, e) => sum + (e.data as { amount: number }).amount, 0),
      );
    };

    afterEach(() => jest.restoreAllMocks());

    it('reads every stream with one statement and appends every single event with another', async () => {
      const runner = new CommandRunner(dataSource, store, 5);
      const [a, b, c] = [1, 2, 3].map(() => `tally-${randomUUID()}`);
      await run(runner, b, 10);
      const readStream = jest.spyOn(store, 'readStream');
      const append = jest.spyOn(store, 'append');
      const appendEach = jest.spyOn(store, 'appendEach');
      const sideWrites: [string, number, number][] = [];
      const outcomes = await dataSource.transaction((tx) =>
        runner.runMany(
          [request(a, { add: 1 }), request(b, { add: 2 }), request(c, { add: 0 })].map((r) => ({
            ...r,
            effects: writesWith(async (_tx, _events, total, before) => {
              sideWrites.push([r.streamId, before, total]);
            }),
          })),
          tx,
        ),
      );
      expect(outcomes.map((o) => [o.before, o.state, o.version, o.events.length])).toEqual([
        [0, 1, 1, 1],
        [10, 12, 2, 1],
        [0, 0, 0, 0],
      ]);
      expect(outcomes[2].append).toBeNull();
      expect(sideWrites).toEqual([
        [a, 0, 1],
        [b, 10, 12],
      ]);
      expect(readStream).not.toHaveBeenCalled();
      expect(append).not.toHaveBeenCalled();
      expect(appendEach).toHaveBeenCalledTimes(1);
      expect(await totals([a, b, c])).toEqual([1, 12, 0]);
    });

    it('runs a stream named again, several events and a repeated command on their own, in order', async () => {
      const runner = new CommandRunner(dataSource, store, 5);
      const [a, b, c] = [1, 2, 3].map(() => `tally-${randomUUID()}`);
      const repeated = randomUUID();
      await run(runner, c, 5, repeated);
      const withEvents = jest.fn(async () => undefined);
      const outcomes = await dataSource.transaction((tx) =>
        runner.runMany(
          [
            request(a, { add: 1 }),
            request(b, { add: 3, times: 2 }),
            request(a, { add: 2 }),
            request(c, { add: 5 }, repeated),
          ].map((r) => ({ ...r, effects: writesWith(withEvents) })),
          tx,
        ),
      );
      expect(outcomes.map((o) => [o.before, o.state, o.version])).toEqual([
        [0, 1, 1],
        [0, 6, 2],
        [1, 3, 2],
        // As `run` answers a repeat: decided again on the stored state, appending nothing.
        [5, 10, 1],
      ]);
      expect(outcomes[3].append?.duplicate).toBe(true);
      // Not for the repeated command: its writes went with its first run.
      expect(withEvents).toHaveBeenCalledTimes(3);
      expect(await totals([a, b, c])).toEqual([3, 6, 5]);
    });

    it('decides again on the new state when a stream moved on between the read and the append', async () => {
      const runner = new CommandRunner(dataSource, store, 5);
      const [moved, still] = [1, 2].map(() => `tally-${randomUUID()}`);
      const readStreams = store.readStreams.bind(store);
      jest.spyOn(store, 'readStreams').mockImplementationOnce(async (ids, options) => {
        const read = await readStreams(ids, options);
        await run(runner, moved, 7); // a concurrent writer, committed at once
        return read;
      });
      const outcomes = await dataSource.transaction((tx) =>
        runner.runMany([request(moved, { add: 1 }), request(still, { add: 1 })], tx),
      );
      expect(outcomes.map((o) => [o.before, o.state, o.version])).toEqual([
        [7, 8, 2],
        [0, 1, 1],
      ]);
      expect(await totals([moved, still])).toEqual([8, 1]);
    });

    it('fails as a whole when a decision fails, leaving the caller to roll back', async () => {
      const runner = new CommandRunner(dataSource, store, 5);
      const [fine, over] = [1, 2].map(() => `tally-${randomUUID()}`);
      await expect(
        dataSource.transaction((tx) =>
          runner.runMany([request(fine, { add: 1 }), request(over, { add: CAP + 1 })], tx),
        ),
      ).rejects.toThrow('over the cap');
      expect(await totals([fine, over])).toEqual([0, 0]);
    });
  });

  describe('with the states it committed kept', () => {
    const cache = { size: 100, ttlMs: 60_000 };
    const reads = () => jest.spyOn(store, 'readStream');
    const readsOf = (spy: jest.SpyInstance, streamId: string) =>
      spy.mock.calls.filter(([id]) => id === streamId).length;
    const totalOf = async (streamId: string) =>
      (await store.readStream(streamId)).reduce(
        (sum, e) => sum + (e.data as { amount: number }).amount,
        0,
      );

    afterEach(() => jest.restoreAllMocks());

    it('decides the next command on the state it committed, without reading the stream', async () => {
      const runner = new CommandRunner(dataSource, store, 5, undefined, cache);
      const streamId = `tally-${randomUUID()}`;
      const spy = reads();
      await run(runner, streamId, 5);
      const second = await run(runner, streamId, 7);

      expect(readsOf(spy, streamId)).toBe(1);
      expect(second).toMatchObject({ before: 5, state: 12, version: 2 });
      expect(await totalOf(streamId)).toBe(12);
    });

    it('decides again on a read when another process moved the stream, and that is no retry', async () => {
      // No retries allowed: the refused append at the kept version must not count as one.
      const here = new CommandRunner(dataSource, store, 0, undefined, cache);
      const elsewhere = new CommandRunner(dataSource, store, 0);
      const streamId = `tally-${randomUUID()}`;
      await run(here, streamId, 5);
      await run(elsewhere, streamId, 90);

      // On the kept state (5) adding 10 fits; on the log (95) it does not.
      await expect(run(here, streamId, 10)).rejects.toThrow('over the cap');
      const next = await run(here, streamId, 2);
      expect(next).toMatchObject({ before: 95, state: 97, version: 3 });
      expect(await totalOf(streamId)).toBe(97);
    });

    it('reads first for a command marked so, whatever it kept', async () => {
      const runner = new CommandRunner(dataSource, store, 5, undefined, cache);
      const streamId = `tally-${randomUUID()}`;
      await run(runner, streamId, 5);
      const spy = reads();
      const seen: number[] = [];
      await runner.run({
        streamId,
        decider: tally,
        // Made from the state, as a step that asks an outside party on its strength.
        command: (total: number) => {
          seen.push(total);
          return { add: 1 };
        },
        commandId: randomUUID(),
        metadata,
        readFirst: true,
      });
      expect(readsOf(spy, streamId)).toBe(1);
      expect(seen).toEqual([5]);
    });

    it("lets a database error stand in a caller's transaction, where a re-read could not run", async () => {
      const runner = new CommandRunner(dataSource, store, 5, undefined, cache);
      const streamId = `tally-${randomUUID()}`;
      await run(runner, streamId, 5);
      const failed = dataSource.transaction((tx) =>
        runner.run({
          streamId,
          decider: tally,
          command: async (_total: number, inner: EntityManager) => {
            await inner.query('SELECT 1 / 0');
            return { add: 1 };
          },
          commandId: randomUUID(),
          metadata,
          transaction: tx,
        }),
      );
      // Division by zero, not "current transaction is aborted" from a re-read.
      await expect(failed).rejects.toMatchObject({ code: '22012' });
      expect(await totalOf(streamId)).toBe(5);
    });

    it('reads the stream before it refuses a command or leaves it unchanged', async () => {
      const runner = new CommandRunner(dataSource, store, 5, undefined, cache);
      const streamId = `tally-${randomUUID()}`;
      await run(runner, streamId, 60);
      const spy = reads();

      await expect(run(runner, streamId, 50)).rejects.toThrow('over the cap');
      expect(readsOf(spy, streamId)).toBe(1);
      spy.mockClear();
      expect(await run(runner, streamId, 0)).toMatchObject({ state: 60, append: null });
      expect(readsOf(spy, streamId)).toBe(1);
    });

    it("keeps nothing of a transaction that rolled back, and a caller's only once it commits", async () => {
      const runner = new CommandRunner(dataSource, store, 5, undefined, cache);
      const streamId = `tally-${randomUUID()}`;
      await run(runner, streamId, 5);
      await expect(
        runner.run({
          streamId,
          decider: tally,
          command: { add: 20 },
          commandId: randomUUID(),
          metadata,
          effects: writesWith(() => Promise.reject(new Error('side write failed'))),
        }),
      ).rejects.toThrow('side write failed');
      // A failure drops what was kept: the next command reads, and finds 5.
      const spy = reads();
      expect(await run(runner, streamId, 1)).toMatchObject({ before: 5, state: 6 });
      expect(readsOf(spy, streamId)).toBe(1);

      // In a caller's transaction: kept once it commits, never if it rolls back.
      const inCallersTransaction = (add: number, rollBack: boolean) =>
        dataSource.transaction(async (tx) => {
          await runner.run({
            streamId,
            decider: tally,
            command: { add },
            commandId: randomUUID(),
            metadata,
            transaction: tx,
          });
          if (rollBack) throw new Error('the caller rolls back');
        });
      await expect(inCallersTransaction(50, true)).rejects.toThrow('the caller rolls back');
      spy.mockClear();
      expect(await run(runner, streamId, 1)).toMatchObject({ before: 6, state: 7 });
      expect(readsOf(spy, streamId)).toBe(1);

      await inCallersTransaction(3, false);
      spy.mockClear();
      expect(await run(runner, streamId, 1)).toMatchObject({ before: 10, state: 11 });
      expect(readsOf(spy, streamId)).toBe(0);
    });
  });
});
