export * from './after-commit';
export * from './bootstrap';
export * from './redis-connection';
export * from './safe-typeorm-logger';
export * from './pg-listener';
export * from './prepared-query';
