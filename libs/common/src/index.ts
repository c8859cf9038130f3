export * from './config';
export * from './config/config.module';
export * from './database';
export * from './database/database.module';
export * from './errors';
export * from './logging';
