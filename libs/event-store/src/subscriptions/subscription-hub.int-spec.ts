import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import {
  Connection,
  deferred,
  metadata,
  newEvent,
  openStore,
  quietLogger,
  RecordingProjection,
  StoreFixture,
  waitFor,
} from '../../test/fixtures';
import { comparePositions } from '../event-store';
import type { LogPosition, RecordedEvent } from '../event-store.types';
import { readSubscriptionLag } from '../subscription-lag';
import { checkpointReached, checkpointStatus } from './checkpoints';
import { LogNotifications } from './log-notifications';
import type { Projection } from './projection';
import { SubscriptionHub, SubscriptionHubOptions } from './subscription-hub';

/** Writes each event it is given as a row of its table: the committed truth. */
class RowsProjection implements Projection {
  failing = false;

  constructor(
    readonly name: string,
    readonly table: string,
    readonly eventTypes: string[],
  ) {}

  async apply(events: RecordedEvent[], tx: EntityManager): Promise<void> {
    for (const event of events) {
      await tx.query(`INSERT INTO ${this.table} (event_id, global_position) VALUES ($1, $2)`, [
        event.eventId,
        String(event.position.globalPosition),
      ]);
    }
    // After the writes: the savepoint's rollback must take them with it.
    if (this.failing) throw new Error('boom');
  }
}

describe('Subscription hub', () => {
  let fixture: StoreFixture;
  const hubs: SubscriptionHub[] = [];

  beforeAll(async () => {
    fixture = await openStore();
  });

  afterEach(async () => {
    await Promise.all(hubs.splice(0).map((hub) => hub.stop()));
  });

  afterAll(() => fixture.close());

  function hubFor(
    projections: Projection[],
    options: Partial<SubscriptionHubOptions> = {},
    connection: Connection = fixture,
  ): SubscriptionHub {
    const hub = new SubscriptionHub(connection.dataSource, connection.store, projections, {
      batchSize: 100,
      idlePollMs: 10,
      maxIdlePollMs: 50,
      retryDelayMs: 5,
      maxRetryDelayMs: 20,
      logger: quietLogger,
      ...options,
    });
    hubs.push(hub);
    return hub;
  }

  /** A type of the test's own, so that the other tests' events stay out. */
  function eventType(): string {
    const type = `Hub.${randomUUID().slice(0, 8)}`;
    fixture.registry.register({ type, schemaVersion: 1 });
    return type;
  }

  async function table(): Promise<string> {
    const name = `rm_hub_${randomUUID().replace(/-/g, '')}`;
    // No key on purpose: an event applied twice shows as two rows.
    await fixture.dataSource.query(
      `CREATE TABLE ${name} (event_id uuid NOT NULL, global_position bigint NOT NULL,
         seq bigserial)`,
    );
    return name;
  }

  const appliedIds = async (name: string): Promise<string[]> =>
    (
      await fixture.dataSource.query<{ event_id: string }[]>(
        `SELECT event_id FROM ${name} ORDER BY seq`,
      )
    ).map((row) => row.event_id);

  async function append(type: string, count = 1, connection: Connection = fixture) {
    const positions: { id: string; position: LogPosition }[] = [];
    for (let i = 0; i < count; i++) {
      const event = newEvent(type);
      const result = await connection.store.append(`hub-${randomUUID()}`, 'no_stream', [event], {
        metadata,
      });
      positions.push({ id: event.id, position: result.position });
    }
    return positions;
  }

  /** Until `position` is below the read horizon (other transactions in the cluster may hold it). */
  const readable = (position: LogPosition) =>
    waitFor('the read horizon', async () => {
      const head = await fixture.store.headPosition();
      return head !== null && comparePositions(head, position) >= 0;
    });

  it('lets the other subscriptions go on while one fails, and retries the failing one in order', async () => {
    const type = eventType();
    const failing = new RowsProjection(`failing-${randomUUID()}`, await table(), [type]);
    const healthy = new RowsProjection(`healthy-${randomUUID()}`, await table(), [type]);
    failing.failing = true;
    const hub = hubFor([failing, healthy], { retryDelayMs: 60_000, maxRetryDelayMs: 60_000 });
    const appended = await append(type, 3);
    const last = appended[2].position;
    await readable(last);

    const result = await hub.processBatch();
    expect(result).toMatchObject({ applied: 1, failed: 1 });
    expect(await appliedIds(healthy.table)).toEqual(appended.map((a) => a.id));
    // Its writes were rolled back with its savepoint; the failure is on record.
    expect(await appliedIds(failing.table)).toEqual([]);
    const status = await checkpointStatus(fixture.dataSource.manager, failing.name);
    expect(status).toMatchObject({ attempts: 1, lastError: 'Error: boom' });
    expect(await checkpointReached(fixture.dataSource.manager, failing.name, last)).toBe(false);

    // Waiting for its retry, it is left out: the healthy one keeps up meanwhile.
    const more = await append(type, 2);
    await readable(more[1].position);
    await hub.processBatch();
    expect(await appliedIds(healthy.table)).toEqual([...appended, ...more].map((a) => a.id));
    expect(await appliedIds(failing.table)).toEqual([]);

    failing.failing = false;
    const retrying = hubFor([failing, healthy]);
    await retrying.catchUp({ until: more[1].position });
    expect(await appliedIds(failing.table)).toEqual([...appended, ...more].map((a) => a.id));
    expect(await checkpointStatus(fixture.dataSource.manager, failing.name)).toMatchObject({
      attempts: 0,
    });
  });

  it('still delivers by its idle poll when a notification is lost', async () => {
    const type = eventType();
    const projection = new RecordingProjection(`polled-${randomUUID()}`, [type]);
    // Another process appends; nothing tells this hub, as if the NOTIFY were lost.
    const other = await fixture.connect();
    const hub = hubFor([projection], { idlePollMs: 20, maxIdlePollMs: 200 });
    hub.setNotificationsReliable(true);
    hub.start();
    const [appended] = await append(type, 1, other);
    await waitFor('the idle poll', () => projection.seen.some((e) => e.eventId === appended.id));
    expect(projection.seen).toHaveLength(1);
  });

  it('reads the first append after a quiet spell at once, and later ones after the batch gap', async () => {
    const type = eventType();
    const projection = new RecordingProjection(`gapped-${randomUUID()}`, [type]);
    const hub = hubFor([projection], { batchGapMs: 60_000 });
    hub.start();
    const [first] = await append(type);
    await waitFor('the first append', () => projection.seen.some((e) => e.eventId === first.id));

    // That batch read an event: the next waits for the gap, whatever is appended meanwhile.
    const [second] = await append(type);
    hub.appended(second.position);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(projection.seen.map((e) => e.eventId)).toEqual([first.id]);

    // A stop does not wait for the gap; the next process reads on from the checkpoint.
    await hub.stop();
    const next = hubFor([projection]);
    await next.catchUp({ until: second.position });
    expect(projection.seen.map((e) => e.eventId)).toEqual([first.id, second.id]);
  });

  it('is woken by another process appending, through LISTEN/NOTIFY', async () => {
    const other = await fixture.connect();
    const listening = new LogNotifications(fixture.dataSource);
    const telling = new LogNotifications(other.dataSource);
    const up = deferred();
    const hint = deferred<LogPosition | null>();
    listening.listen(hint.resolve, (connected) => connected && up.resolve());
    try {
      await up.promise;
      const [appended] = await append(eventType(), 1, other);
      telling.notifyAppended(appended.position);
      expect(await hint.promise).toEqual(appended.position);
    } finally {
      await Promise.all([listening.close(), telling.close()]);
    }
  });

  it('never runs one subscription in two processes at once: each event is applied once, in order', async () => {
    const type = eventType();
    const name = `raced-${randomUUID()}`;
    const rows = await table();
    const second = await fixture.connect();
    const here = hubFor([new RowsProjection(name, rows, [type])], { batchSize: 3 });
    const there = hubFor([new RowsProjection(name, rows, [type])], { batchSize: 3 }, second);
    here.start();
    there.start();
    const appended = (
      await Promise.all([append(type, 15), append(type, 15, second), append(type, 15)])
    ).flat();
    const last = appended.reduce((max, a) =>
      a.position.transactionId > max.position.transactionId ? a : max,
    ).position;
    await waitFor('both hubs to catch up', () =>
      checkpointReached(fixture.dataSource.manager, name, last),
    );
    const applied = await fixture.dataSource.query<{ event_id: string; global_position: string }[]>(
      `SELECT event_id, global_position FROM ${rows} ORDER BY seq`,
    );
    expect(applied.map((row) => row.event_id).sort()).toEqual(appended.map((a) => a.id).sort());
    const log = await fixture.store.readAll(null, 10_000);
    const order = new Map(log.map((event, index) => [event.eventId, index]));
    const indexes = applied.map((row) => order.get(row.event_id)!);
    expect(indexes).toEqual([...indexes].sort((a, b) => a - b));
  });

  it('writes a checkpoint lazily past other types, and loses no position across a restart', async () => {
    const wanted = eventType();
    const other = eventType();
    const name = `lazy-${randomUUID()}`;
    const rows = await table();
    const lazy = { lazyCheckpointEvents: 1000, lazyCheckpointMs: 600_000 };
    const first = hubFor([new RowsProjection(name, rows, [wanted])], lazy);
    const [w1] = await append(wanted);
    await first.catchUp({ until: w1.position });
    expect((await checkpointStatus(fixture.dataSource.manager, name))?.position).toEqual(
      w1.position,
    );

    const skipped = await append(other, 5);
    await first.catchUp({ until: skipped[4].position });
    // Not written for events it does not handle, yet it counts as there and not lagging.
    expect((await checkpointStatus(fixture.dataSource.manager, name))?.position).toEqual(
      w1.position,
    );
    expect(await checkpointReached(fixture.dataSource.manager, name, skipped[4].position)).toBe(
      true,
    );
    const lag = (await readSubscriptionLag(fixture.dataSource)).find(
      (l) => l.subscriptionId === name,
    );
    expect(lag).toMatchObject({ events: 0, seconds: 0 });
    await first.stop();

    // A new process starts from the stored checkpoint and passes over them again.
    const [w2] = await append(wanted);
    const restarted = hubFor([new RowsProjection(name, rows, [wanted])], lazy);
    await restarted.catchUp({ until: w2.position });
    expect(await appliedIds(rows)).toEqual([w1.id, w2.id]);
    expect((await checkpointStatus(fixture.dataSource.manager, name))?.position).toEqual(
      w2.position,
    );

    // Past the bound, the checkpoint follows the events it passes over.
    const bounded = hubFor([new RowsProjection(name, rows, [wanted])], {
      lazyCheckpointEvents: 3,
      lazyCheckpointMs: 600_000,
    });
    const many = await append(other, 4);
    await bounded.catchUp({ until: many[3].position });
    const stored = (await checkpointStatus(fixture.dataSource.manager, name))!.position;
    expect(comparePositions(stored, many[1].position)).toBeGreaterThanOrEqual(0);
    expect(await appliedIds(rows)).toEqual([w1.id, w2.id]);
  });
});
