/** Every BullMQ queue of the engine, so that producers and workers cannot disagree on a name. */
export enum QueueName {
  Timers = 'timers',
}

/** Job names on the timers queue. */
export enum TimerJobName {
  Fire = 'fire',
}
