import { randomUUID } from 'node:crypto';

/**
 * New ids (a case, a deposit, a document, a data-key subject), injected like the clock,
 * so that a handler never makes one itself and a test can name them.
 */
export interface IdGenerator {
  /** A new random uuid. */
  newId(): string;
}

export const ID_GENERATOR = Symbol('IdGenerator');

export class RandomIdGenerator implements IdGenerator {
  newId(): string {
    return randomUUID();
  }
}
