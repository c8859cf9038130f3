export * from './metrics';
export * from './metrics.module';
export * from './http-metrics.interceptor';
export * from './internal-server';
