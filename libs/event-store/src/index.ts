export * from './event-store';
export * from './event-store.errors';
export * from './event-store.module';
export * from './event-store.options';
export * from './event-store.types';
export * from './event-type-registry';
export * from './migrations';
export * from './subscriptions';
