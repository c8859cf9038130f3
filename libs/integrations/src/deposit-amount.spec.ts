import { chooseDepositAmountFen, fenToYuan } from './deposit-amount';
import { CryptoRandomSource, type RandomSource } from './random-source';

const fixed = (value: number): RandomSource => ({ int: () => value });

describe('chooseDepositAmountFen', () => {
  it('asks the source for 1–99 fen', () => {
    const asked: [number, number][] = [];
    chooseDepositAmountFen({
      int: (min, maxExclusive) => {
        asked.push([min, maxExclusive]);
        return 37;
      },
    });
    expect(asked).toEqual([[1, 100]]);
  });

  it.each([1, 37, 99])('passes %i fen through', (fen) => {
    expect(chooseDepositAmountFen(fixed(fen))).toBe(fen);
  });

  it.each([0, 100, 1.5, -3])('refuses %p from a faulty source', (fen) => {
    expect(() => chooseDepositAmountFen(fixed(fen))).toThrow(RangeError);
  });

  it('stays within 0.01–0.99 yuan with the real source', () => {
    const source = new CryptoRandomSource();
    const seen = Array.from({ length: 2000 }, () => chooseDepositAmountFen(source));
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...seen)).toBeLessThanOrEqual(99);
    // Any one amount is missing from 2000 fair draws with odds of about 1 in 10^7.
    expect(new Set(seen).size).toBe(99);
  });
});

describe('fenToYuan', () => {
  it.each([
    [1, '0.01'],
    [37, '0.37'],
    [99, '0.99'],
    [100, '1.00'],
    [2_000_000, '20000.00'],
    [-105, '-1.05'],
  ])('formats %i fen as %s', (fen, yuan) => {
    expect(fenToYuan(fen)).toBe(yuan);
  });
});
