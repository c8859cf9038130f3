export * from './idempotency.errors';
export * from './idempotency.store';
export * from './idempotency.interceptor';
export * from './idempotency.module';
export * from './idempotency.sweeper';
export * from './idempotency-secrets.decorator';
export * from './idempotent.decorator';
export { canonicalJson, RequestFingerprinter } from './request-fingerprint';
