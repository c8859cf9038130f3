export * from './event-store';
export * from './event-store.errors';
export * from './event-store.types';
export * from './event-type-registry';
export * from './migrations';
