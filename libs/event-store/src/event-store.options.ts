/** Optional provider of the store's clock (`StoreClock`); the system clock when absent. */
export const EVENT_STORE_CLOCK = Symbol('EventStoreClock');

export const EVENT_STORE_OPTIONS = Symbol('EventStoreOptions');

export interface EventStoreModuleOptions {
  /** Runs the registered subscriptions in this process: the worker does, the api does not. */
  runSubscriptions: boolean;
  /** Most events per subscription batch (`AppConfig.subscriptions.batchSize`). */
  batchSize?: number;
  /** Pause between polls of a caught-up subscription (`AppConfig.subscriptions.idlePollMs`). */
  idlePollMs?: number;
  /** Longest pause between polls while nothing happens (`AppConfig.subscriptions.maxIdlePollMs`). */
  maxIdlePollMs?: number;
  /** Least time between batches that read events (`AppConfig.subscriptions.batchGapMs`). */
  batchGapMs?: number;
  /** First and longest pause before retrying a failed batch. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
}

export type ResolvedEventStoreOptions = Required<EventStoreModuleOptions>;

export function resolveEventStoreOptions(
  options: EventStoreModuleOptions,
): ResolvedEventStoreOptions {
  return {
    runSubscriptions: options.runSubscriptions,
    batchSize: options.batchSize ?? 500,
    idlePollMs: options.idlePollMs ?? 200,
    maxIdlePollMs: Math.max(options.maxIdlePollMs ?? 10_000, options.idlePollMs ?? 200),
    batchGapMs: options.batchGapMs ?? 50,
    retryDelayMs: options.retryDelayMs ?? 200,
    maxRetryDelayMs: options.maxRetryDelayMs ?? 30_000,
  };
}
