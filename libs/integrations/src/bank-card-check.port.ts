/** The bank's four-element check: name, ID number, card number, reserved mobile. */
export interface BankCardCheckRequest {
  name: string;
  idNumber: string;
  cardNumber: string;
  /** The mobile number reserved at the bank for this card. */
  mobile: string;
}

export type BankCardCheckOutcome =
  | 'match'
  | 'mobile_mismatch'
  | 'verification_failed'
  /** The card does not support quick payment: it cannot be used at all. */
  | 'not_quick_pay';

export interface BankCardCheckResult {
  outcome: BankCardCheckOutcome;
  /** Whether the card can take a micro-deposit instead of the SMS path. */
  supportsPaymentVerification: boolean;
}

export interface BankCardCheck {
  check(request: BankCardCheckRequest): Promise<BankCardCheckResult>;
}

export const BANK_CARD_CHECK = Symbol('BankCardCheck');
