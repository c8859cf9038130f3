import { randomUUID } from 'node:crypto';
import { metadata, openStore, StoreFixture, waitFor } from '../test/fixtures';
import { EventStore } from './event-store';
import { EventTypeRegistry } from './event-type-registry';

describe('EventStore with versioned event types', () => {
  let fixture: StoreFixture;

  beforeAll(async () => {
    fixture = await openStore();
  });

  afterAll(() => fixture.close());

  it('reads an event stored at version 1 back upcast to the current version', async () => {
    const stream = `person-${randomUUID()}`;
    const v1 = new EventTypeRegistry().register({ type: 'Person.Named', schemaVersion: 1 });
    const before = new EventStore(fixture.dataSource, v1, { now: () => new Date() });
    await before.append(
      stream,
      'no_stream',
      [{ id: randomUUID(), type: 'Person.Named', data: { name: 'A' } }],
      {
        metadata,
      },
    );

    // A later deployment knows version 3.
    const v3 = new EventTypeRegistry().register({
      type: 'Person.Named',
      schemaVersion: 3,
      upcasters: {
        1: ({ name, ...rest }) => ({ ...rest, fullName: name }),
        2: (data) => ({ ...data, locale: 'zh-CN' }),
      },
    });
    const after = new EventStore(fixture.dataSource, v3, { now: () => new Date() });
    await after.append(
      stream,
      1,
      [{ id: randomUUID(), type: 'Person.Named', data: { fullName: 'B', locale: 'en' } }],
      {
        metadata,
      },
    );

    const stored: { schema_version: number; data: unknown }[] = await fixture.dataSource.query(
      'SELECT schema_version, data FROM es_events WHERE stream_id = $1 ORDER BY stream_version',
      [stream],
    );
    expect(stored).toEqual([
      { schema_version: 1, data: { name: 'A' } },
      { schema_version: 3, data: { fullName: 'B', locale: 'en' } },
    ]);

    const read = await after.readStream(stream);
    expect(read.map((e) => [e.schemaVersion, e.data])).toEqual([
      [3, { fullName: 'A', locale: 'zh-CN' }],
      [3, { fullName: 'B', locale: 'en' }],
    ]);
    // The global log shows an event once no older transaction anywhere is still running.
    let fromLog: unknown[] = [];
    await waitFor('both events in the global log', async () => {
      fromLog = (await after.readAll(null, 100))
        .filter((e) => e.streamId === stream)
        .map((e) => e.data);
      return fromLog.length === 2;
    });
    expect(fromLog).toEqual(read.map((e) => e.data));
  });
});
