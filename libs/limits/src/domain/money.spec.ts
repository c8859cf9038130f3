import { InvalidAmountError } from './limits.errors';
import { addFen, fenToYuan, parseYuanAmount } from './money';

const MAX = 10_000_000_00;

describe('fenToYuan', () => {
  it.each([
    [0, '0.00'],
    [1, '0.01'],
    [37, '0.37'],
    [100, '1.00'],
    [12345, '123.45'],
    [20_000_00, '20000.00'],
    [-37, '-0.37'],
  ])('formats %i fen as "%s"', (fen, yuan) => {
    expect(fenToYuan(fen)).toBe(yuan);
  });

  it('refuses fractions of a fen and unsafe integers', () => {
    expect(() => fenToYuan(0.5)).toThrow(RangeError);
    expect(() => fenToYuan(2 ** 53)).toThrow(RangeError);
  });
});

describe('parseYuanAmount', () => {
  it.each([
    ['0.37', 37],
    ['0.01', 1],
    ['1', 100],
    ['1.5', 150],
    ['123.45', 12345],
    ['20000.00', 20_000_00],
    ['10000000.00', MAX],
  ])('reads "%s" as %i fen', (yuan, fen) => {
    expect(parseYuanAmount(yuan, MAX)).toBe(fen);
  });

  it('round-trips with fenToYuan', () => {
    for (const fen of [1, 9, 10, 99, 100, 101, 4_999_999, 5_000_000]) {
      expect(parseYuanAmount(fenToYuan(fen), MAX)).toBe(fen);
    }
  });

  it.each([
    ['0', 'zero'],
    ['0.00', 'zero'],
    ['-1.00', 'a sign'],
    ['+1.00', 'a sign'],
    ['1.234', 'three decimals'],
    ['1.', 'a bare point'],
    ['.5', 'no integer part'],
    ['01.00', 'a leading zero'],
    ['1e3', 'an exponent'],
    [' 1.00', 'spaces'],
    ['1,000.00', 'a thousands separator'],
    ['', 'nothing'],
    ['NaN', 'not a number'],
    ['10000000.01', 'more than the maximum'],
    ['99999999999999999', 'too many digits'],
  ])('refuses "%s" (%s) with invalid_amount', (yuan) => {
    expect(() => parseYuanAmount(yuan, MAX)).toThrow(InvalidAmountError);
  });

  it.each([[12.5], [null], [undefined], [{ yuan: '1.00' }]])(
    'refuses %p, which is not a string',
    (value) => {
      expect(() => parseYuanAmount(value, MAX)).toThrow(InvalidAmountError);
    },
  );

  it('names the field in the error, for the problem document', () => {
    try {
      parseYuanAmount('1.234', MAX);
      throw new Error('expected a refusal');
    } catch (error) {
      expect(error).toMatchObject({
        code: 'invalid_amount',
        status: 422,
        extras: { errors: [expect.objectContaining({ field: 'amount', code: 'invalid_amount' })] },
      });
    }
  });
});

describe('addFen', () => {
  it('adds exactly, and refuses to leave the safe integers', () => {
    expect(addFen(1, 2)).toBe(3);
    expect(() => addFen(Number.MAX_SAFE_INTEGER, 1)).toThrow(RangeError);
  });
});
