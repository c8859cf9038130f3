/**
 * Bank card numbers as printed: 16–19 digits with a Luhn check digit. Spaces (as
 * on the card, "6222 0202 …") are stripped.
 */

export type BankCardNumberFailure = 'invalid_format' | 'invalid_length' | 'invalid_checksum';

export type BankCardNumberResult =
  { valid: true; cardNumber: string } | { valid: false; reason: BankCardNumberFailure };

/** Strips whitespace; does not validate. */
export function normaliseBankCardNumber(input: string): string {
  return input.replace(/\s+/g, '');
}

/** The Luhn check digit to append to `payload`. */
export function luhnCheckDigit(payload: string): string {
  if (!/^\d+$/.test(payload)) throw new RangeError('expected digits only');
  let sum = 0;
  // The check digit will take the rightmost place, so doubling starts at the payload's end.
  for (let i = 0; i < payload.length; i++) {
    let digit = Number(payload[payload.length - 1 - i]);
    if (i % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return String((10 - (sum % 10)) % 10);
}

export function isLuhnValid(digits: string): boolean {
  return (
    /^\d{2,}$/.test(digits) && luhnCheckDigit(digits.slice(0, -1)) === digits[digits.length - 1]
  );
}

export function validateBankCardNumber(input: string): BankCardNumberResult {
  const cardNumber = normaliseBankCardNumber(input);
  if (!/^\d+$/.test(cardNumber)) return { valid: false, reason: 'invalid_format' };
  if (cardNumber.length < 16 || cardNumber.length > 19) {
    return { valid: false, reason: 'invalid_length' };
  }
  if (!isLuhnValid(cardNumber)) return { valid: false, reason: 'invalid_checksum' };
  return { valid: true, cardNumber };
}

export function isBankCardNumber(input: unknown): input is string {
  return typeof input === 'string' && validateBankCardNumber(input).valid;
}

export interface BankCardNumberParts {
  /** The issuer's 6-digit BIN; default `622202`. */
  bin?: string;
  /** Digits 7–9, which the sandbox bank reads (`999`, `998`, `997`); default `000`. */
  digits7to9?: string;
  /** 16–19; default 19. */
  length?: number;
  /** Makes the remaining digits differ between cards; default 0. */
  serial?: number;
}

/** Builds a valid card number (Luhn) for tests and the sandbox. */
export function buildBankCardNumber(parts: BankCardNumberParts = {}): string {
  const bin = parts.bin ?? '622202';
  const magic = parts.digits7to9 ?? '000';
  const length = parts.length ?? 19;
  if (!/^\d{6}$/.test(bin) || !/^\d{3}$/.test(magic) || length < 16 || length > 19) {
    throw new RangeError('bin must be 6 digits, digits7to9 3 digits, length 16–19');
  }
  const serialLength = length - 10;
  const serial = String(parts.serial ?? 0).padStart(serialLength, '0');
  if (!/^\d+$/.test(serial) || serial.length !== serialLength) {
    throw new RangeError(`serial must fit in ${serialLength} digits`);
  }
  const payload = `${bin}${magic}${serial}`;
  return payload + luhnCheckDigit(payload);
}
