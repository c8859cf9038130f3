import { EventStore1764115200000 } from './1764115200000-event-store';
import { CheckpointStatus1764115250000 } from './1764115250000-checkpoint-status';
import { CheckpointEventTypes1765300000000 } from './1765300000000-checkpoint-event-types';

// Migrations of the event store's schema, in order.
export const eventStoreMigrations: (new () => unknown)[] = [
  EventStore1764115200000,
  CheckpointStatus1764115250000,
  CheckpointEventTypes1765300000000,
];
