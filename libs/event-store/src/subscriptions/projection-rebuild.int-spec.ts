import { randomUUID } from 'node:crypto';
import { Injectable, Module, OnModuleInit } from '@nestjs/common';
import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import { Test, TestingModule } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { dataSourceOptions } from '@shiming/common';
import { createTestDatabase, TestDatabase } from '../../../../test/support/test-database';
import { deferred, metadata, newEvent, sleep } from '../../test/fixtures';
import { comparePositions, EventStore } from '../event-store';
import { EventStoreModule } from '../event-store.module';
import type { LogPosition, RecordedEvent } from '../event-store.types';
import { EventTypeRegistry } from '../event-type-registry';
import { ProjectionNotRebuildableError, UnknownProjectionError } from '../event-store.errors';
import type { Projection } from './projection';
import { ReadYourWrites } from './read-your-writes';
import { RebuildProjectionCommand } from './rebuild-projection.command';
import { SubscriptionRegistry } from './subscription-registry';
import { SubscriptionsHost } from './subscriptions.host';

const OPENED = 'Ticket.Opened';
const NOTED = 'Ticket.Noted';
const CLOSED = 'Ticket.Closed';

/**
 * A read model that depends on the order it is given events in: each ticket row
 * keeps its notes in order, and every event gets the next global ordinal.
 */
@Injectable()
class TicketsProjection implements Projection {
  readonly name = 'tickets';
  readonly eventTypes = [OPENED, NOTED, CLOSED];
  /** When set, the next batch waits on it (to look at the read model mid-rebuild). */
  hold: { entered: () => void; until: Promise<void> } | null = null;

  async apply(events: RecordedEvent[], tx: EntityManager): Promise<void> {
    const hold = this.hold;
    if (hold) {
      this.hold = null;
      hold.entered();
      await hold.until;
    }
    for (const event of events) {
      const data = event.data as { title?: string; note?: string };
      if (event.type === OPENED) {
        await tx.query(
          `INSERT INTO rm_tickets (ticket, title, notes, status) VALUES ($1, $2, '', 'open')`,
          [event.streamId, data.title],
        );
      } else if (event.type === NOTED) {
        await tx.query(`UPDATE rm_tickets SET notes = notes || $2 || ';' WHERE ticket = $1`, [
          event.streamId,
          data.note,
        ]);
      } else {
        await tx.query(`UPDATE rm_tickets SET status = 'closed' WHERE ticket = $1`, [
          event.streamId,
        ]);
      }
      await tx.query(
        `INSERT INTO rm_ticket_log (event_id, ordinal)
         SELECT $1, coalesce(max(ordinal), 0) + 1 FROM rm_ticket_log`,
        [event.eventId],
      );
    }
  }

  async reset(tx: EntityManager): Promise<void> {
    await tx.query('DELETE FROM rm_tickets');
    await tx.query('DELETE FROM rm_ticket_log');
  }
}

@Module({ providers: [TicketsProjection] })
class TicketsModule implements OnModuleInit {
  constructor(
    private readonly types: EventTypeRegistry,
    private readonly subscriptions: SubscriptionRegistry,
    private readonly projection: TicketsProjection,
  ) {}

  onModuleInit(): void {
    for (const type of [OPENED, NOTED, CLOSED]) this.types.register({ type, schemaVersion: 1 });
    this.subscriptions.register(this.projection, {
      name: 'ticket-reactions',
      apply: async () => undefined,
    });
  }
}

describe('Rebuilding a projection', () => {
  let db: TestDatabase;
  let app: TestingModule;
  let dataSource: DataSource;
  let store: EventStore;
  let commands: CommandBus;
  let progress: ReadYourWrites;
  let projection: TicketsProjection;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot(
          dataSourceOptions({ databaseUrl: db.url, migrations: [], poolSize: 10 }),
        ),
        CqrsModule.forRoot(),
        EventStoreModule.forRoot({ runSubscriptions: true, batchSize: 5, idlePollMs: 20 }),
        TicketsModule,
      ],
    }).compile();
    dataSource = app.get(DataSource);
    await dataSource.query(
      `CREATE TABLE rm_tickets (ticket text PRIMARY KEY, title text NOT NULL, notes text NOT NULL, status text NOT NULL)`,
    );
    await dataSource.query(
      `CREATE TABLE rm_ticket_log (event_id uuid PRIMARY KEY, ordinal int NOT NULL UNIQUE)`,
    );
    await app.init();
    store = app.get(EventStore);
    commands = app.get(CommandBus);
    progress = app.get(ReadYourWrites);
    projection = app.get(TicketsProjection);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const readModel = async () => ({
    tickets: await dataSource.query('SELECT * FROM rm_tickets ORDER BY ticket'),
    log: await dataSource.query('SELECT event_id, ordinal FROM rm_ticket_log ORDER BY ordinal'),
  });

  /** Tickets opened, noted and closed by concurrent writers, some committing late. */
  async function traffic(tickets: number): Promise<LogPosition> {
    let last: LogPosition | null = null;
    await Promise.all(
      Array.from({ length: tickets }, async (_, n) => {
        const ticket = `ticket-${randomUUID()}`;
        const steps = [
          newEvent(OPENED, { title: `T${n}` }),
          newEvent(NOTED, { note: `a${n}` }),
          newEvent(NOTED, { note: `b${n}` }),
          ...(n % 3 === 0 ? [newEvent(CLOSED)] : []),
        ];
        for (const [version, event] of steps.entries()) {
          const result = await dataSource.transaction(async (tx) => {
            const appended = await store.append(
              ticket,
              version === 0 ? 'no_stream' : version,
              [event],
              {
                metadata,
                transaction: tx,
              },
            );
            if (n % 2 === 0) await sleep(Math.floor(Math.random() * 5));
            return appended;
          });
          if (!last || comparePositions(result.position, last) > 0) last = result.position;
        }
      }),
    );
    return last!;
  }

  it('rebuilds from position 0 to the same read model as the one built incrementally', async () => {
    expect(app.get(SubscriptionsHost).runs('tickets')).toBe(true);
    const last = await traffic(15);
    expect(await progress.waitForPosition('tickets', last, 20_000)).toBe(true);
    const incremental = await readModel();
    expect(incremental.tickets).toHaveLength(15);
    expect(incremental.log).toHaveLength(15 * 3 + 5);

    // Hold the rebuild after it has emptied the tables: other readers still see the old model.
    const entered = deferred();
    const release = deferred();
    projection.hold = { entered: entered.resolve, until: release.promise };
    const rebuilding = commands.execute(new RebuildProjectionCommand('tickets'));
    await entered.promise;
    expect(await readModel()).toEqual(incremental);
    release.resolve();
    const result = await rebuilding;

    expect(result.events).toBe(15 * 3 + 5);
    expect(await readModel()).toEqual(incremental);
    expect(comparePositions(result.checkpoint, last)).toBeGreaterThanOrEqual(0);
  });

  it('keeps projecting after a rebuild without applying anything twice', async () => {
    const last = await traffic(6);
    await commands.execute(new RebuildProjectionCommand('tickets'));
    const more = await traffic(4);
    expect(await progress.waitForPosition('tickets', more, 20_000)).toBe(true);
    expect(comparePositions(more, last)).toBeGreaterThan(0);
    const incremental = await readModel();
    await commands.execute(new RebuildProjectionCommand('tickets'));
    expect(await readModel()).toEqual(incremental);
    expect(incremental.tickets).toHaveLength(15 + 6 + 4);
  });

  it('refuses to rebuild an unknown projection or one without reset', async () => {
    await expect(commands.execute(new RebuildProjectionCommand('nope'))).rejects.toThrow(
      UnknownProjectionError,
    );
    await expect(
      commands.execute(new RebuildProjectionCommand('ticket-reactions')),
    ).rejects.toThrow(ProjectionNotRebuildableError);
  });
});
