import { InvalidPositionError } from '../event-store.errors';
import { formatPosition, parsePosition } from './read-your-writes';

describe('position tokens', () => {
  it('round-trips a position through its text form', () => {
    const positions = [
      { transactionId: 0n, globalPosition: 0n },
      { transactionId: 742n, globalPosition: 12n },
      { transactionId: 2n ** 64n - 1n, globalPosition: 2n ** 63n - 1n },
    ];
    for (const position of positions) {
      const token = formatPosition(position);
      expect(token).toMatch(/^[A-Za-z0-9._~-]+$/);
      expect(parsePosition(token)).toEqual(position);
    }
  });

  it.each([
    '',
    'v1',
    'v1.12',
    'v1.12.3.4',
    'v2.12.3',
    '12.3',
    'v1.-1.3',
    'v1.012.3',
    'v1.1 .3',
    'v1.18446744073709551616.1',
    'v1.1.9223372036854775808',
    'v1.1.99999999999999999999',
  ])('refuses %j with code invalid_position', (token) => {
    expect(() => parsePosition(token)).toThrow(InvalidPositionError);
    try {
      parsePosition(token);
    } catch (error) {
      expect(error).toMatchObject({ code: 'invalid_position', status: 400 });
    }
  });
});
