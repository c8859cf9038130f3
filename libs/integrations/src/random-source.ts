import { randomInt } from 'node:crypto';

/** Randomness, injected so that tests can choose the outcome. */
export interface RandomSource {
  /** A uniformly chosen integer in [min, maxExclusive). */
  int(min: number, maxExclusive: number): number;
}

export const RANDOM_SOURCE = Symbol('RandomSource');

// A micro-deposit amount is a secret the user proves they received: not Math.random.
export class CryptoRandomSource implements RandomSource {
  int(min: number, maxExclusive: number): number {
    return randomInt(min, maxExclusive);
  }
}
