export * from './idempotency.errors';
export * from './idempotency.store';
export * from './idempotency.interceptor';
export * from './idempotency.module';
export { canonicalJson, requestFingerprint } from './request-fingerprint';
