import { randomUUID } from 'node:crypto';
import { QueryRunner } from 'typeorm';
import {
  metadata,
  newEvent,
  openStore,
  quietLogger,
  RecordingProjection,
  sleep,
  StoreFixture,
} from '../../test/fixtures';
import { comparePositions } from '../event-store';
import type { AppendResult, LogPosition } from '../event-store.types';
import { ReadYourWrites } from './read-your-writes';
import { SubscriptionRunner } from './subscription-runner';

const TYPE = 'Thing.Happened';

describe('Subscriptions in global order', () => {
  let fixture: StoreFixture;
  const open: QueryRunner[] = [];

  beforeAll(async () => {
    fixture = await openStore({ eventTypes: [TYPE], poolSize: 20 });
  });

  afterEach(async () => {
    for (const runner of open.splice(0)) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
  });

  afterAll(() => fixture.close());

  async function begin(): Promise<QueryRunner> {
    const runner = fixture.dataSource.createQueryRunner();
    open.push(runner);
    await runner.connect();
    await runner.startTransaction();
    return runner;
  }

  function runnerFor(projection: RecordingProjection, batchSize = 100) {
    return new SubscriptionRunner(fixture.dataSource, fixture.store, projection, {
      batchSize,
      idlePollMs: 20,
      logger: quietLogger,
    });
  }

  const seenIds = (projection: RecordingProjection) => projection.seen.map((e) => e.eventId);

  it('does not pass over an event with a lower position whose transaction commits late', async () => {
    const projection = new RecordingProjection(`late-commit-${randomUUID()}`);
    const runner = runnerFor(projection);
    await runner.catchUp();
    projection.seen.length = 0;

    const t1 = await begin();
    await t1.query('SELECT pg_current_xact_id()');
    const e1 = newEvent(TYPE);
    const a1 = await fixture.store.append(`s-${randomUUID()}`, 'no_stream', [e1], {
      metadata,
      transaction: t1.manager,
    });
    const t2 = await begin();
    const e2 = newEvent(TYPE);
    const a2 = await fixture.store.append(`s-${randomUUID()}`, 'no_stream', [e2], {
      metadata,
      transaction: t2.manager,
    });
    await t2.commitTransaction();
    expect(a1.position.globalPosition).toBeLessThan(a2.position.globalPosition);

    // T2 is committed, but reading it now would move the checkpoint past T1's event.
    await runner.catchUp();
    expect(seenIds(projection)).toEqual([]);

    await t1.commitTransaction();
    await runner.catchUp({ until: a2.position });
    expect(seenIds(projection)).toEqual([e1.id, e2.id]);
  });

  it('waits for an older transaction that appends after a younger one has committed', async () => {
    const projection = new RecordingProjection(`usain-bolt-${randomUUID()}`);
    const runner = runnerFor(projection);
    await runner.catchUp();
    projection.seen.length = 0;

    // T1 starts first (older transaction id) but is slow to append and commit.
    const t1 = await begin();
    await t1.query('SELECT pg_current_xact_id()');
    const t2 = await begin();
    const e2 = newEvent(TYPE);
    const a2 = await fixture.store.append(`s-${randomUUID()}`, 'no_stream', [e2], {
      metadata,
      transaction: t2.manager,
    });
    await t2.commitTransaction();
    const e1 = newEvent(TYPE);
    const a1 = await fixture.store.append(`s-${randomUUID()}`, 'no_stream', [e1], {
      metadata,
      transaction: t1.manager,
    });
    expect(a1.position.globalPosition).toBeGreaterThan(a2.position.globalPosition);
    expect(a1.position.transactionId).toBeLessThan(a2.position.transactionId);

    await runner.catchUp();
    expect(seenIds(projection)).toEqual([]);

    await t1.commitTransaction();
    await runner.catchUp({ until: a2.position });
    // Reading order is the order the transactions began in.
    expect(seenIds(projection)).toEqual([e1.id, e2.id]);
    await runner.catchUp();
    expect(seenIds(projection)).toEqual([e1.id, e2.id]);
  });

  it('reads without taking a transaction id, so its own writes sort after what it read', async () => {
    const projection = new RecordingProjection(`no-xid-${randomUUID()}`);
    const xids: (string | null)[] = [];
    projection.onApply = async (_events, tx) => {
      const [row] = await tx.query('SELECT pg_current_xact_id_if_assigned()::text AS xid');
      xids.push(row.xid);
    };
    const appended = await fixture.store.append(
      `s-${randomUUID()}`,
      'no_stream',
      [newEvent(TYPE)],
      {
        metadata,
      },
    );
    await runnerFor(projection).catchUp({ until: appended.position });
    expect(xids.length).toBeGreaterThan(0);
    expect(xids.every((xid) => xid === null)).toBe(true);
  });

  it('sees every event of 50 concurrent writers exactly once, in order, while they commit out of order', async () => {
    // Its own event type, so that events of the other tests stay out of the count.
    const type = `Writer.Wrote.${randomUUID()}`;
    fixture.registry.register({ type, schemaVersion: 1 });
    const projection = new RecordingProjection(`many-writers-${randomUUID()}`, [type]);
    // Small batches: many checkpoints while writers are still committing.
    const runner = runnerFor(projection, 7);
    runner.start();
    const appendsPerWriter = 4;
    const results: AppendResult[] = [];
    try {
      await Promise.all(
        Array.from({ length: 50 }, async (_, writer) => {
          const stream = `writer-${writer}-${randomUUID()}`;
          let version = 0;
          for (let i = 0; i < appendsPerWriter; i++) {
            const events = Array.from({ length: 1 + ((writer + i) % 2) }, () =>
              newEvent(type, { writer, i }),
            );
            const expected = version === 0 ? 'no_stream' : version;
            // Every other writer holds its transaction open for a few ms after
            // appending, so commits land out of sequence order.
            const result =
              writer % 2 === 0
                ? await fixture.dataSource.transaction(async (tx) => {
                    const appended = await fixture.store.append(stream, expected, events, {
                      metadata,
                      transaction: tx,
                    });
                    await sleep(Math.floor(Math.random() * 8));
                    return appended;
                  })
                : await fixture.store.append(stream, expected, events, { metadata });
            version = result.nextExpectedVersion;
            results.push(result);
          }
        }),
      );
      const last = results.reduce<LogPosition>(
        (max, r) => (comparePositions(r.position, max) > 0 ? r.position : max),
        results[0].position,
      );
      const progress = new ReadYourWrites(fixture.dataSource);
      expect(await progress.waitForPosition(projection.name, last, 20_000)).toBe(true);
    } finally {
      await runner.stop();
    }
    await runner.catchUp();

    const written = results.flatMap((r) => r.globalPositions.map(String)).sort();
    const seen = projection.seen.map((e) => String(e.position.globalPosition));
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual(written);
    for (let i = 1; i < projection.seen.length; i++) {
      expect(
        comparePositions(projection.seen[i - 1].position, projection.seen[i].position),
      ).toBeLessThan(0);
    }
    const versions = new Map<string, number[]>();
    for (const event of projection.seen) {
      versions.set(event.streamId, [...(versions.get(event.streamId) ?? []), event.streamVersion]);
    }
    expect(versions.size).toBe(50);
    for (const list of versions.values()) {
      expect(list).toEqual(Array.from({ length: list.length }, (_, i) => i + 1));
    }
  });
});
