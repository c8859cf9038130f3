import { Timers1764115300000 } from './1764115300000-timers';

// Migrations of the durable timers' schema, in order.
export const timerMigrations: (new () => unknown)[] = [Timers1764115300000];
