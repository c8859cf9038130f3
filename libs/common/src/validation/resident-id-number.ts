/**
 * The 18-character PRC resident identity card number (GB 11643-1999): 6 digits of
 * region, 8 of birth date, a 3-digit sequence (odd for men), and an ISO 7064
 * MOD 11-2 check character (0–9 or X).
 *
 * The region is checked at province level only: the county list changes every
 * year, and an ID keeps the code it was issued under after a county is merged away.
 */

export type ResidentIdNumberFailure =
  | 'invalid_length'
  | 'invalid_format'
  | 'invalid_region'
  | 'invalid_birth_date'
  | 'invalid_check_digit';

export interface ResidentIdNumber {
  /** Normalised: trimmed, check character `X` upper case. */
  value: string;
  region: string;
  /** `YYYY-MM-DD`. */
  birthDate: string;
  /** Digits 15–17. */
  sequence: string;
  sex: 'male' | 'female';
}

export type ResidentIdNumberResult =
  { valid: true; idNumber: ResidentIdNumber } | { valid: false; reason: ResidentIdNumberFailure };

/** Province-level prefixes in use (mainland, plus Taiwan, Hong Kong and Macau residents' codes). */
// prettier-ignore
export const PROVINCE_CODES: ReadonlySet<string> = new Set([
  '11', '12', '13', '14', '15',
  '21', '22', '23',
  '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46',
  '50', '51', '52', '53', '54',
  '61', '62', '63', '64', '65',
  '71', '81', '82', '83',
]);

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARACTERS = '10X98765432';
const EARLIEST_BIRTH_YEAR = 1900;
// Mainland China keeps UTC+8 all year; "today" is the date there, not on the server.
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** Trims and upper-cases the check character; does not validate. */
export function normaliseResidentIdNumber(input: string): string {
  return input.trim().toUpperCase();
}

/** The ISO 7064 MOD 11-2 check character of the first 17 digits. */
export function residentIdCheckCharacter(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('expected exactly 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK_CHARACTERS[sum % 11];
}

/**
 * Validates a resident ID number. `now` decides what "in the future" means for the
 * birth date (the date in Asia/Shanghai).
 */
export function validateResidentIdNumber(
  input: string,
  now: Date = new Date(),
): ResidentIdNumberResult {
  const value = normaliseResidentIdNumber(input);
  if (value.length !== 18) return { valid: false, reason: 'invalid_length' };
  if (!/^\d{17}[\dX]$/.test(value)) return { valid: false, reason: 'invalid_format' };
  const region = value.slice(0, 6);
  if (!PROVINCE_CODES.has(region.slice(0, 2))) return { valid: false, reason: 'invalid_region' };
  const birthDate = birthDateOf(value.slice(6, 14), now);
  if (!birthDate) return { valid: false, reason: 'invalid_birth_date' };
  if (residentIdCheckCharacter(value.slice(0, 17)) !== value[17]) {
    return { valid: false, reason: 'invalid_check_digit' };
  }
  const sequence = value.slice(14, 17);
  return {
    valid: true,
    idNumber: {
      value,
      region,
      birthDate,
      sequence,
      sex: Number(sequence[2]) % 2 === 1 ? 'male' : 'female',
    },
  };
}

export function isResidentIdNumber(input: unknown, now?: Date): input is string {
  return typeof input === 'string' && validateResidentIdNumber(input, now).valid;
}

function birthDateOf(digits: string, now: Date): string | undefined {
  const year = Number(digits.slice(0, 4));
  const month = Number(digits.slice(4, 6));
  const day = Number(digits.slice(6, 8));
  if (year < EARLIEST_BIRTH_YEAR || month < 1 || month > 12 || day < 1) return undefined;
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined;
  const iso = `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}`;
  const today = new Date(now.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
  return iso <= today ? iso : undefined;
}

export interface ResidentIdNumberParts {
  /** 6 digits; default `110101` (Beijing, Dongcheng). */
  region?: string;
  /** `YYYY-MM-DD` or `YYYYMMDD`; default `1990-03-07`. */
  birthDate?: string;
  /** 0–999 or 3 digits; default `123`. The sandbox treats `999` and `998` specially. */
  sequence?: number | string;
}

/** Builds a valid ID number (correct check character) for tests and the sandbox. */
export function buildResidentIdNumber(parts: ResidentIdNumberParts = {}): string {
  const region = parts.region ?? '110101';
  const birthDate = (parts.birthDate ?? '1990-03-07').replace(/-/g, '');
  const sequence = String(parts.sequence ?? '123').padStart(3, '0');
  const first17 = `${region}${birthDate}${sequence}`;
  if (!/^\d{6}$/.test(region) || !/^\d{8}$/.test(birthDate) || !/^\d{3}$/.test(sequence)) {
    throw new RangeError('region must be 6 digits, birthDate a date, sequence 0–999');
  }
  return first17 + residentIdCheckCharacter(first17);
}
