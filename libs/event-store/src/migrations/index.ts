import { EventStore1764115200000 } from './1764115200000-event-store';

// Migrations of the event store's schema, in order.
export const eventStoreMigrations: (new () => unknown)[] = [EventStore1764115200000];
