import { PiiKeys1764115400000 } from './1764115400000-pii-keys';
import { Idempotency1764115410000 } from './1764115410000-idempotency';
import { IdempotencyFingerprints1764150000000 } from './1764150000000-idempotency-fingerprints';

// Migrations of the tables libs/common owns (personal-data keys, idempotency), in order.
export const commonMigrations: (new () => unknown)[] = [
  PiiKeys1764115400000,
  Idempotency1764115410000,
  IdempotencyFingerprints1764150000000,
];
