import { randomBytes } from 'node:crypto';
import { KeyedHash } from './keyed-hash';

describe('KeyedHash', () => {
  const key = randomBytes(32);
  const hasher = new KeyedHash(key);

  it('is deterministic for one key, as hex', () => {
    const hash = hasher.hash('sms-code', '123456');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(new KeyedHash(Buffer.from(key)).hash('sms-code', '123456')).toBe(hash);
  });

  it('differs under another key', () => {
    expect(new KeyedHash(randomBytes(32)).hash('sms-code', '123456')).not.toBe(
      hasher.hash('sms-code', '123456'),
    );
  });

  it('separates purposes: one value hashes differently for each', () => {
    const hashes = ['id-number', 'sms-code', 'deposit-amount'].map((purpose) =>
      hasher.hash(purpose, '37'),
    );
    expect(new Set(hashes).size).toBe(3);
  });

  it('cannot be fooled by moving characters between purpose and value', () => {
    expect(hasher.hash('sms-code', '1')).not.toBe(hasher.hash('sms-code1', ''));
  });

  it('normalises an ID number: case of the X and surrounding spaces', () => {
    expect(hasher.idNumberHash(' 11010519491231002x')).toBe(
      hasher.idNumberHash('11010519491231002X'),
    );
    expect(hasher.idNumberHash('11010519491231002X')).toBe(
      hasher.hash('id-number', '11010519491231002X'),
    );
  });

  it('checks a value against a stored hash', () => {
    const stored = hasher.hash('deposit-amount', '0.37');
    expect(hasher.matches('deposit-amount', '0.37', stored)).toBe(true);
    expect(hasher.matches('deposit-amount', '0.38', stored)).toBe(false);
    expect(hasher.matches('sms-code', '0.37', stored)).toBe(false);
    expect(hasher.matches('deposit-amount', '0.37', 'abc')).toBe(false);
  });

  it('refuses a short key and a malformed purpose', () => {
    expect(() => new KeyedHash(randomBytes(16))).toThrow(RangeError);
    expect(() => hasher.hash('Id Number', 'x')).toThrow(RangeError);
  });
});
