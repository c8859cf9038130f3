import { InvalidAmountError } from './limits.errors';

// Money is integer fen inside Shiming; the API speaks yuan strings with two decimals.

// No sign, no exponent, no leading zeros, at most two decimals, at most 13 integer
// digits (any more is refused as too large before it could lose precision).
const YUAN = /^(0|[1-9][0-9]{0,12})(?:\.([0-9]{1,2}))?$/;

/** Integer fen as a yuan string with two decimals: 37 → "0.37", 2000000 → "20000.00". */
export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`Not a whole number of fen: ${fen}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * A yuan amount as the API receives it ("123.45", "123.4", "123") in fen. Anything
 * else is an `invalid_amount` error: another type, a sign, an exponent, more than two
 * decimals, zero, or more than `maxFen`.
 */
export function parseYuanAmount(value: unknown, maxFen: number): number {
  if (typeof value !== 'string') {
    throw new InvalidAmountError('amount must be a string of yuan such as "123.45".');
  }
  const match = YUAN.exec(value);
  if (!match) {
    throw new InvalidAmountError(
      'amount must be a positive number of yuan with at most two decimals, such as "123.45".',
    );
  }
  const fen = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  if (fen <= 0) throw new InvalidAmountError('amount must be more than zero.');
  if (fen > maxFen) {
    throw new InvalidAmountError(`amount must be at most ${fenToYuan(maxFen)} yuan.`);
  }
  return fen;
}

/** The sum of two amounts of fen, refusing to go past exact integers. */
export function addFen(a: number, b: number): number {
  const sum = a + b;
  if (!Number.isSafeInteger(sum)) throw new RangeError(`Sum of fen out of range: ${a} + ${b}`);
  return sum;
}
