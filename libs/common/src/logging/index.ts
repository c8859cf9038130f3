export * from './correlation-id';
export * from './logger-options';
export * from './logging.module';
