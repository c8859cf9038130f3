export * from './bootstrap';
export * from './redis-connection';
