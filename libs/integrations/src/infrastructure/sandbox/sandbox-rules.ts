import type { BankCardCheckRequest, BankCardCheckResult } from '../../bank-card-check.port';

// The sandbox's magic values (DESIGN §3), as pure functions, so that every rule a
// tester relies on is in one place and checked by one spec.

export type SandboxIdentityOutcome = 'match' | 'mismatch' | 'unavailable';

/** Digits 15–17 of the resident ID number: the sequence code. */
export function sequenceCode(idNumber: string): string {
  return idNumber.trim().slice(14, 17);
}

export function sandboxIdentityOutcome(idNumber: string): SandboxIdentityOutcome {
  switch (sequenceCode(idNumber)) {
    case '999':
      return 'mismatch';
    case '998':
      return 'unavailable';
    default:
      return 'match';
  }
}

export const SANDBOX_WRONG_PAYMENT_PASSWORD = '000000';

/** `000000` is wrong; any other six digits are right; anything else is wrong. */
export function sandboxPaymentPasswordIsRight(password: string): boolean {
  return /^\d{6}$/.test(password) && password !== SANDBOX_WRONG_PAYMENT_PASSWORD;
}

/** Digits 7–9 of the card number, where the sandbox bank reads its magic values. */
export function cardMagicDigits(cardNumber: string): string {
  return digitsOf(cardNumber).slice(6, 9);
}

/**
 * Precedence follows DESIGN §3's order: a mobile ending `0000` is a mobile mismatch
 * whatever the card; then card digits 7–9 `999` fail verification and `998` are not
 * quick-pay. Payment verification is a property of the card alone: every quick-pay
 * card has it except digits 7–9 `997`.
 */
export function sandboxBankCardCheck(
  request: Pick<BankCardCheckRequest, 'cardNumber' | 'mobile'>,
): BankCardCheckResult {
  const magic = cardMagicDigits(request.cardNumber);
  const quickPay = magic !== '998';
  const supportsPaymentVerification = quickPay && magic !== '997';
  if (digitsOf(request.mobile).endsWith('0000')) {
    return { outcome: 'mobile_mismatch', supportsPaymentVerification };
  }
  if (magic === '999') return { outcome: 'verification_failed', supportsPaymentVerification };
  if (!quickPay) return { outcome: 'not_quick_pay', supportsPaymentVerification };
  return { outcome: 'match', supportsPaymentVerification };
}

/** 10 KiB: an ID photo smaller than this is refused as unreadable. */
export const SANDBOX_MIN_ID_PHOTO_BYTES = 10 * 1024;

export function sandboxIdPhotoAccepted(sizeInBytes: number): boolean {
  return sizeInBytes >= SANDBOX_MIN_ID_PHOTO_BYTES;
}

// Card and mobile numbers are typed with spaces, dashes or a +86 prefix.
function digitsOf(value: string): string {
  return value.replace(/\D/g, '');
}
