import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import {
  Connection,
  metadata,
  newEvent,
  openStore,
  quietLogger,
  sleep,
  StoreFixture,
} from '../../test/fixtures';
import { comparePositions } from '../event-store';
import { CheckpointConflictError } from '../event-store.errors';
import type { LogPosition, RecordedEvent } from '../event-store.types';
import { checkpointStatus, LOG_START } from './checkpoints';
import type { Projection } from './projection';
import { ReadYourWrites } from './read-your-writes';
import { SubscriptionRunner } from './subscription-runner';

/** Balances per account, written to its own table; can be made to fail on a chosen event. */
class BalancesProjection implements Projection {
  readonly eventTypes: string[];
  failOn: string | null = null;

  constructor(
    readonly name: string,
    readonly table: string,
    type: string,
  ) {
    this.eventTypes = [type];
  }

  async apply(events: RecordedEvent[], tx: EntityManager): Promise<void> {
    for (const event of events) {
      const { amount } = event.data as { amount: number };
      await tx.query(
        `INSERT INTO ${this.table} (account, balance, deposits, last_version) VALUES ($1, $2, 1, $3)
         ON CONFLICT (account) DO UPDATE SET balance = ${this.table}.balance + $2,
           deposits = ${this.table}.deposits + 1, last_version = $3`,
        [event.streamId, amount, event.streamVersion],
      );
      // After the write: the rollback must take the write with it.
      if (event.eventId === this.failOn) throw new Error(`boom on ${event.eventId}`);
    }
  }
}

describe('Subscription checkpoints', () => {
  let fixture: StoreFixture;

  beforeAll(async () => {
    fixture = await openStore();
  });

  afterAll(() => fixture.close());

  async function balancesTable(): Promise<string> {
    const table = `rm_balances_${randomUUID().replace(/-/g, '')}`;
    await fixture.dataSource.query(
      `CREATE TABLE ${table} (account text PRIMARY KEY, balance bigint NOT NULL,
         deposits int NOT NULL, last_version bigint NOT NULL)`,
    );
    return table;
  }

  const rows = (table: string) =>
    fixture.dataSource.query(`SELECT * FROM ${table} ORDER BY account`);

  function runnerFor(projection: Projection, connection: Connection = fixture, batchSize = 4) {
    return new SubscriptionRunner(connection.dataSource, connection.store, projection, {
      batchSize,
      idlePollMs: 10,
      retryDelayMs: 5,
      maxRetryDelayMs: 20,
      logger: quietLogger,
    });
  }

  /** An event type of the test's own, so that the other tests' events stay out. */
  function depositType(): string {
    const type = `Account.Deposited.${randomUUID()}`;
    fixture.registry.register({ type, schemaVersion: 1 });
    return type;
  }

  /** Deposits into a few accounts; returns the events in log order and the last position. */
  async function deposit(
    type: string,
    count: number,
  ): Promise<{ events: RecordedEvent[]; last: LogPosition }> {
    const accounts = Array.from({ length: 3 }, () => `account-${randomUUID()}`);
    let last = LOG_START;
    const ids = new Set<string>();
    for (let i = 0; i < count; i++) {
      const event = newEvent(type, { amount: 10 + i });
      ids.add(event.id);
      const result = await fixture.store.append(accounts[i % 3], 'any', [event], { metadata });
      last = result.position;
    }
    const events: RecordedEvent[] = [];
    let after: LogPosition | null = null;
    while (events.length < count) {
      const page = await fixture.store.readAll(after, 1000);
      events.push(...page.filter((e) => ids.has(e.eventId)));
      after = page.length ? page[page.length - 1].position : after;
      if (page.length === 0) await sleep(5);
    }
    return { events, last };
  }

  /** The balances table's rows as they must be after exactly `events`. */
  function balancesAfter(events: RecordedEvent[]) {
    const byAccount = new Map<
      string,
      { balance: number; deposits: number; last_version: number }
    >();
    for (const event of events) {
      const row = byAccount.get(event.streamId) ?? { balance: 0, deposits: 0, last_version: 0 };
      row.balance += (event.data as { amount: number }).amount;
      row.deposits += 1;
      row.last_version = event.streamVersion;
      byAccount.set(event.streamId, row);
    }
    return [...byAccount.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([account, row]) => ({
        account,
        balance: String(row.balance),
        deposits: row.deposits,
        last_version: String(row.last_version),
      }));
  }

  it('rolls back a failed batch with its read-model writes, records the failure, and resumes to the undisturbed result', async () => {
    const type = depositType();
    const { events, last } = await deposit(type, 12);
    const projection = new BalancesProjection(
      `balances-${randomUUID()}`,
      await balancesTable(),
      type,
    );
    const runner = runnerFor(projection);
    const ninth = events[8];
    projection.failOn = ninth.eventId;

    await expect(runner.catchUp({ until: last })).rejects.toThrow(`boom on ${ninth.eventId}`);
    // Earlier batches committed; the read model reflects exactly the events up to the
    // checkpoint, which stopped before the failing event.
    const stuck = await checkpointStatus(fixture.dataSource.manager, projection.name);
    expect(stuck).not.toBeNull();
    expect(comparePositions(stuck!.position, ninth.position)).toBeLessThan(0);
    const before = events.filter((e) => comparePositions(e.position, stuck!.position) <= 0);
    expect(before.length).toBeGreaterThan(0);
    const partial = await rows(projection.table);
    expect(partial).toEqual(balancesAfter(before));
    expect(stuck).toMatchObject({ attempts: 1, lastError: expect.stringContaining('boom') });
    expect(stuck?.failedAt).toBeInstanceOf(Date);

    await expect(runner.processBatch()).rejects.toThrow('boom');
    const again = await checkpointStatus(fixture.dataSource.manager, projection.name);
    expect(again).toMatchObject({ attempts: 2, position: stuck!.position });
    expect(await rows(projection.table)).toEqual(partial);

    projection.failOn = null;
    await runner.catchUp({ until: last });
    const healed = await checkpointStatus(fixture.dataSource.manager, projection.name);
    expect(healed).toMatchObject({ attempts: 0, lastError: expect.stringContaining('boom') });

    const undisturbed = new BalancesProjection(
      `balances-${randomUUID()}`,
      await balancesTable(),
      type,
    );
    await runnerFor(undisturbed).catchUp({ until: last });
    expect(await rows(projection.table)).toEqual(await rows(undisturbed.table));
    expect(await rows(projection.table)).toEqual(balancesAfter(events));
  });

  it('rolls back a batch whose checkpoint was moved by someone else meanwhile', async () => {
    const type = depositType();
    const { last } = await deposit(type, 3);
    const projection = new BalancesProjection(
      `balances-${randomUUID()}`,
      await balancesTable(),
      type,
    );
    const moved = { transactionId: 1n, globalPosition: 1n };
    const apply = projection.apply.bind(projection);
    projection.apply = async (events, tx) => {
      await apply(events, tx);
      // Another connection, committed before our compare-and-set.
      await fixture.dataSource.query(
        `INSERT INTO es_checkpoints (subscription_id, transaction_id, global_position)
         VALUES ($1, $2::xid8, $3)`,
        [projection.name, String(moved.transactionId), String(moved.globalPosition)],
      );
    };

    await expect(runnerFor(projection, fixture, 100).catchUp({ until: last })).rejects.toThrow(
      CheckpointConflictError,
    );
    expect(await rows(projection.table)).toEqual([]);
    const status = await checkpointStatus(fixture.dataSource.manager, projection.name);
    expect(status).toMatchObject({ position: moved, attempts: 1 });
    expect(status?.lastError).toContain('CheckpointConflictError');
  });

  it('a started runner retries a failing batch with back-off until it succeeds', async () => {
    const type = depositType();
    const { events, last } = await deposit(type, 5);
    const projection = new BalancesProjection(
      `balances-${randomUUID()}`,
      await balancesTable(),
      type,
    );
    projection.failOn = events[2].eventId;
    const runner = runnerFor(projection, fixture, 100);
    runner.start();
    const progress = new ReadYourWrites(fixture.dataSource);
    try {
      // Fails repeatedly without getting anywhere…
      const deadline = Date.now() + 10_000;
      while (((await progress.checkpoint(projection.name))?.attempts ?? 0) < 3) {
        if (Date.now() > deadline) throw new Error('no failures recorded');
        await sleep(5);
      }
      expect(await rows(projection.table)).toEqual([]);
      // …and gets through once the cause is gone.
      projection.failOn = null;
      expect(await progress.waitForPosition(projection.name, last, 10_000)).toBe(true);
    } finally {
      await runner.stop();
    }
    expect(await progress.checkpoint(projection.name)).toMatchObject({ attempts: 0 });
    expect(await rows(projection.table)).toEqual(balancesAfter(events));
  });

  it('never applies an event twice when two processes run the same projection', async () => {
    const table = `rm_applied_${randomUUID().replace(/-/g, '')}`;
    await fixture.dataSource.query(
      `CREATE TABLE ${table} (event_id uuid PRIMARY KEY, applied_by text NOT NULL)`,
    );
    const applied = new Map<string, number>();
    const name = `applied-${randomUUID()}`;
    const type = depositType();
    const projectionFor = (process: string): Projection => ({
      name,
      eventTypes: [type],
      async apply(events, tx) {
        for (const event of events) {
          applied.set(event.eventId, (applied.get(event.eventId) ?? 0) + 1);
          await tx.query(`INSERT INTO ${table} VALUES ($1, $2)`, [event.eventId, process]);
        }
        // Keeps the batch open a little, so that the other process tries meanwhile.
        await sleep(Math.floor(Math.random() * 4));
      },
    });
    const other = await fixture.connect();
    const runners = [
      runnerFor(projectionFor('a'), fixture, 5),
      runnerFor(projectionFor('b'), other, 5),
    ];
    runners.forEach((r) => r.start());
    let last = LOG_START;
    try {
      await Promise.all(
        Array.from({ length: 10 }, async () => {
          const account = `account-${randomUUID()}`;
          for (let i = 0; i < 6; i++) {
            const store = i % 2 === 0 ? fixture.store : other.store;
            const result = await store.append(account, 'any', [newEvent(type, { amount: 1 })], {
              metadata,
            });
            if (comparePositions(result.position, last) > 0) last = result.position;
          }
        }),
      );
      const progress = new ReadYourWrites(fixture.dataSource);
      expect(await progress.waitForPosition(name, last, 20_000)).toBe(true);
    } finally {
      await Promise.all(runners.map((r) => r.stop()));
    }
    const stored: { applied_by: string }[] = await fixture.dataSource.query(
      `SELECT * FROM ${table}`,
    );
    expect(stored.length).toBe(60);
    expect(stored.length).toBe(applied.size);
    expect([...applied.values()].every((count) => count === 1)).toBe(true);
    expect(await checkpointStatus(fixture.dataSource.manager, name)).toMatchObject({
      attempts: 0,
      lastError: null,
    });
  });

  it('lets one process at a time run a projection: the other finds it busy, then nothing left', async () => {
    const name = `busy-${randomUUID()}`;
    const type = depositType();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const seen: string[] = [];
    const holder = runnerFor(
      {
        name,
        eventTypes: [type],
        async apply(events) {
          seen.push(...events.map((e) => `a:${e.eventId}`));
          entered();
          await gate;
        },
      },
      fixture,
      10_000,
    );
    const other = await fixture.connect();
    const second = runnerFor(
      {
        name,
        eventTypes: [type],
        async apply(events) {
          seen.push(...events.map((e) => `b:${e.eventId}`));
        },
      },
      other,
      10_000,
    );
    const stream = `account-${randomUUID()}`;
    await fixture.store.append(stream, 'no_stream', [newEvent(type, { amount: 1 })], { metadata });
    // Until the event is below the read horizon, a batch finds nothing: try again.
    const first = (async () => {
      for (;;) {
        const result = await holder.processBatch();
        if (result.status === 'processed' && result.applied > 0) return result;
        await sleep(10);
      }
    })();
    await inside;
    expect(await second.processBatch()).toEqual({ status: 'busy' });
    release();
    expect(await first).toMatchObject({ status: 'processed', applied: 1 });
    expect(await second.processBatch()).toMatchObject({ status: 'idle' });
    expect(seen).toHaveLength(1);
    expect(seen[0].startsWith('a:')).toBe(true);
  });
});
