export * from './access-log';
export * from './correlation-id';
export * from './logger-options';
export * from './logging.module';
export * from './safe-error';
