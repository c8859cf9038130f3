import { randomUUID } from 'node:crypto';
import type { LoggerService } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { dataSourceOptions } from '@shiming/common';
import { createTestDatabase, TestDatabase } from '../../../test/support/test-database';
import { EventStore } from '../src/event-store';
import type { EventMetadata, NewEvent, RecordedEvent } from '../src/event-store.types';
import { EventTypeRegistry } from '../src/event-type-registry';
import type { Projection } from '../src/subscriptions/projection';

// Helpers shared by the event store's integration tests.

export const metadata: EventMetadata = {
  actor: { type: 'system', id: 'test' },
  correlationId: 'c-1',
};

export function newEvent(type: string, data: Record<string, unknown> = {}): NewEvent {
  return { id: randomUUID(), type, data };
}

export interface Connection {
  dataSource: DataSource;
  store: EventStore;
}

export interface StoreFixture extends Connection {
  db: TestDatabase;
  registry: EventTypeRegistry;
  /** Another pool and store on the same database, like a second process. */
  connect(poolSize?: number): Promise<Connection>;
  close(): Promise<void>;
}

/** A fresh migrated database with a store whose registry knows `eventTypes` at version 1. */
export async function openStore(
  options: { poolSize?: number; eventTypes?: string[] } = {},
): Promise<StoreFixture> {
  const db = await createTestDatabase();
  const registry = new EventTypeRegistry();
  for (const type of options.eventTypes ?? []) registry.register({ type, schemaVersion: 1 });
  const connections: DataSource[] = [];
  const connect = async (poolSize = options.poolSize ?? 10): Promise<Connection> => {
    const dataSource = await new DataSource(
      dataSourceOptions({ databaseUrl: db.url, migrations: [], poolSize }),
    ).initialize();
    connections.push(dataSource);
    return { dataSource, store: new EventStore(dataSource, registry, { now: () => new Date() }) };
  };
  const first = await connect();
  return {
    ...first,
    db,
    registry,
    connect,
    close: async () => {
      await Promise.all(connections.map((c) => c.destroy()));
      await db.drop();
    },
  };
}

/** Polls `condition` until it holds; fails with `what` after the deadline. */
export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let pollMs = 5;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(pollMs);
    pollMs = Math.min(pollMs * 2, 50);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export const quietLogger: LoggerService = {
  log: () => undefined,
  error: () => undefined,
  warn: () => undefined,
};

/** A subscriber that only remembers what it was given, in order. */
export class RecordingProjection implements Projection {
  readonly seen: RecordedEvent[] = [];
  onApply?: (events: RecordedEvent[], tx: EntityManager) => Promise<void>;

  constructor(
    readonly name: string,
    readonly eventTypes?: string[],
  ) {}

  async apply(events: RecordedEvent[], tx: EntityManager): Promise<void> {
    await this.onApply?.(events, tx);
    this.seen.push(...events);
  }
}

/** A promise with its resolve function, to hold a step until the test releases it. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
