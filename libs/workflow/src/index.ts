export * from './calendar';
export * from './clock';
export * from './command';
export * from './ids';
export * from './database/engine-migrations';
export * from './timers';
export * from './test-clock';
export * from './engine.module';
