/** A quick-pay card already bound to the account by the wallet. */
export interface BoundCard {
  cardNumber: string;
  mobile: string;
}

/** The wallet's record of the account's bound quick-pay card, if any. */
export interface BoundCards {
  findBoundCard(accountId: string): Promise<BoundCard | null>;
}

export const BOUND_CARDS = Symbol('BoundCards');
