import type { RandomSource } from './random-source';

export const MIN_DEPOSIT_FEN = 1;
export const MAX_DEPOSIT_FEN = 99;

/** A micro-deposit amount: 1–99 fen (0.01–0.99 yuan), uniformly chosen. */
export function chooseDepositAmountFen(random: RandomSource): number {
  const fen = random.int(MIN_DEPOSIT_FEN, MAX_DEPOSIT_FEN + 1);
  // A faulty source must not send real money outside the promised range.
  if (!Number.isInteger(fen) || fen < MIN_DEPOSIT_FEN || fen > MAX_DEPOSIT_FEN) {
    throw new RangeError(
      `Random source gave ${fen}, outside ${MIN_DEPOSIT_FEN}–${MAX_DEPOSIT_FEN} fen`,
    );
  }
  return fen;
}

/** Integer fen as the API's yuan string with two decimals: 37 → "0.37". */
export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`Not a whole number of fen: ${fen}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
