import { SetMetadata } from '@nestjs/common';

export const IDEMPOTENCY_SECRETS = 'shiming:idempotency-secrets';

/**
 * Names a route's secret body fields (a payment password, an SMS code, a deposit
 * amount), which the `Idempotency-Key` fingerprint leaves out: nothing stored can
 * then be used to test a guess of them. A retry with the same key that differs only
 * in these fields replays the first answer; a new attempt needs a new key.
 */
export const IdempotencySecrets = (...fields: string[]): MethodDecorator & ClassDecorator =>
  SetMetadata(IDEMPOTENCY_SECRETS, fields);

export const IDEMPOTENCY_NOT_STORED = 'shiming:idempotency-not-stored';

/**
 * For a route whose answer holds personal data in clear (an unmasked reveal): its
 * answer is never stored, so `Idempotency-Key` is not honoured there, and a retry runs
 * again (a reveal is recorded again). Storing it would keep the value in clear, past
 * the erasure of the identity, in a table nothing encrypts.
 */
export const IdempotencyNotStored = (): MethodDecorator =>
  SetMetadata(IDEMPOTENCY_NOT_STORED, true);

export function isIdempotencyNotStored(handler: object): boolean {
  return Reflect.getMetadata(IDEMPOTENCY_NOT_STORED, handler) === true;
}

/** The secret fields declared on a route's handler and its controller. */
export function idempotencySecretsOf(...targets: object[]): string[] {
  return targets.flatMap(
    (target) => (Reflect.getMetadata(IDEMPOTENCY_SECRETS, target) as string[] | undefined) ?? [],
  );
}
