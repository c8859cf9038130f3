/**
 * Checks the account's 6-digit payment password, which proves the holder is present.
 * Implementations must not log, store, or put the password in an error or event.
 */
export interface PaymentPasswordVerifier {
  verify(accountId: string, password: string): Promise<boolean>;
}

export const PAYMENT_PASSWORD = Symbol('PaymentPasswordVerifier');
