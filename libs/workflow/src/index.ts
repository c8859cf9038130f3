export * from './calendar';
export * from './clock';
export * from './database/engine-migrations';
