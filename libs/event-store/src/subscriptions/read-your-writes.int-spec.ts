import { randomUUID } from 'node:crypto';
import {
  deferred,
  metadata,
  newEvent,
  openStore,
  quietLogger,
  RecordingProjection,
  StoreFixture,
} from '../../test/fixtures';
import { checkpointStatus } from './checkpoints';
import { formatPosition, parsePosition, ReadYourWrites } from './read-your-writes';
import { SubscriptionRunner } from './subscription-runner';

const NOTED = 'Thing.Noted';
const IGNORED = 'Thing.Ignored';

describe('Read-your-writes', () => {
  let fixture: StoreFixture;
  let progress: ReadYourWrites;

  beforeAll(async () => {
    fixture = await openStore({ eventTypes: [NOTED, IGNORED] });
    progress = new ReadYourWrites(fixture.dataSource);
  });

  afterAll(() => fixture.close());

  // An idle poll far beyond every wait below: only the append notification can
  // explain a projection catching up in time.
  function sleepyRunner(projection: RecordingProjection) {
    return new SubscriptionRunner(fixture.dataSource, fixture.store, projection, {
      batchSize: 100,
      idlePollMs: 120_000,
      logger: quietLogger,
    });
  }

  it('sees a projection pass the position a command answered with', async () => {
    const projection = new RecordingProjection(`status-${randomUUID()}`);
    const runner = sleepyRunner(projection);
    runner.start();
    try {
      const plain = await fixture.store.append(
        `s-${randomUUID()}`,
        'no_stream',
        [newEvent(NOTED)],
        {
          metadata,
        },
      );
      // The token travels through HTTP as text.
      const token = formatPosition(plain.position);
      expect(await progress.waitForPosition(projection.name, parsePosition(token), 10_000)).toBe(
        true,
      );

      const inTransaction = await fixture.dataSource.transaction((tx) =>
        fixture.store.append(`s-${randomUUID()}`, 'no_stream', [newEvent(NOTED)], {
          metadata,
          transaction: tx,
        }),
      );
      expect(await progress.waitForPosition(projection.name, inTransaction.position, 10_000)).toBe(
        true,
      );
      expect(projection.seen.map((e) => e.position)).toContainEqual(inTransaction.position);
    } finally {
      await runner.stop();
    }
  });

  it('lets a filtered projection pass events it does not want', async () => {
    const projection = new RecordingProjection(`filtered-${randomUUID()}`, [NOTED]);
    const runner = sleepyRunner(projection);
    runner.start();
    try {
      const wanted = await fixture.store.append(
        `s-${randomUUID()}`,
        'no_stream',
        [newEvent(NOTED)],
        {
          metadata,
        },
      );
      const unwanted = await fixture.store.append(
        `s-${randomUUID()}`,
        'no_stream',
        [newEvent(IGNORED)],
        { metadata },
      );
      expect(await progress.waitForPosition(projection.name, unwanted.position, 10_000)).toBe(true);
      expect(projection.seen.map((e) => e.type)).not.toContain(IGNORED);
      expect(projection.seen.map((e) => e.position)).toContainEqual(wanted.position);
    } finally {
      await runner.stop();
    }
  });

  it('gives up after the timeout when the projection does not catch up', async () => {
    const projection = new RecordingProjection(`stopped-${randomUUID()}`);
    const runner = sleepyRunner(projection);
    runner.start();
    await runner.stop();
    const before = await checkpointStatus(fixture.dataSource.manager, projection.name);
    const appended = await fixture.store.append(
      `s-${randomUUID()}`,
      'no_stream',
      [newEvent(NOTED)],
      {
        metadata,
      },
    );
    const started = Date.now();
    expect(await progress.waitForPosition(projection.name, appended.position, 150)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(await checkpointStatus(fixture.dataSource.manager, projection.name)).toEqual(before);
    expect(await progress.waitForPosition(`never-ran-${randomUUID()}`, appended.position, 0)).toBe(
      false,
    );
  });

  it('stops only after the batch in flight has committed', async () => {
    const projection = new RecordingProjection(`in-flight-${randomUUID()}`);
    const entered = deferred();
    const release = deferred();
    const appended = await fixture.store.append(
      `s-${randomUUID()}`,
      'no_stream',
      [newEvent(NOTED)],
      {
        metadata,
      },
    );
    // Held in the batch that carries our event: an earlier batch may hold only others'
    // events (the server's other transactions decide how far a batch may read).
    projection.onApply = async (events) => {
      if (!events.some((e) => e.position.globalPosition === appended.position.globalPosition)) {
        return;
      }
      projection.onApply = undefined;
      entered.resolve();
      await release.promise;
    };
    const runner = sleepyRunner(projection);
    runner.start();
    await entered.promise;
    let stopped = false;
    const stopping = runner.stop().then(() => (stopped = true));
    // Give stop() every chance to return early; it must not.
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    release.resolve();
    await stopping;
    expect(runner.running).toBe(false);
    expect(await progress.waitForPosition(projection.name, appended.position, 0)).toBe(true);
  });
});
