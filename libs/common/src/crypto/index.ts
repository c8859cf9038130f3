export * from './pii-vault';
export * from './pii.errors';
export * from './keyed-hash';
export * from './mask';
export * from './crypto.module';
export { isPiiCiphertext } from './envelope';
export { ExpiringCache } from './expiring-cache';
