import { Timers1764115300000 } from './1764115300000-timers';
import { TimerRetries1766100000000 } from './1766100000000-timer-retries';
import { TimerTrace1766400000000 } from './1766400000000-timer-trace';

// Migrations of the durable timers' schema, in order.
export const timerMigrations: (new () => unknown)[] = [
  Timers1764115300000,
  TimerRetries1766100000000,
  TimerTrace1766400000000,
];
