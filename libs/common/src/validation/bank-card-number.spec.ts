import {
  buildBankCardNumber,
  isLuhnValid,
  luhnCheckDigit,
  validateBankCardNumber,
} from './bank-card-number';

const reasonOf = (input: string) => {
  const result = validateBankCardNumber(input);
  return result.valid ? 'valid' : result.reason;
};

describe('Luhn', () => {
  it('computes the check digit of well-known numbers', () => {
    expect(luhnCheckDigit('7992739871')).toBe('3');
    expect(luhnCheckDigit('411111111111111')).toBe('1');
    expect(isLuhnValid('79927398713')).toBe(true);
    expect(isLuhnValid('79927398710')).toBe(false);
  });

  it('catches every single-digit error and a swap of adjacent digits', () => {
    const card = buildBankCardNumber({ serial: 123456789 });
    for (let i = 0; i < card.length; i++) {
      const changed = `${card.slice(0, i)}${(Number(card[i]) + 1) % 10}${card.slice(i + 1)}`;
      expect(isLuhnValid(changed)).toBe(false);
    }
    expect(isLuhnValid('79927398731')).toBe(false);
  });
});

describe('validateBankCardNumber', () => {
  it('accepts 16 to 19 digits with a valid check digit, spaces stripped', () => {
    expect(validateBankCardNumber('4111 1111 1111 1111')).toEqual({
      valid: true,
      cardNumber: '4111111111111111',
    });
    expect(reasonOf('6222 0202 0011 2233 442')).toBe('invalid_checksum');
    for (const length of [16, 17, 18, 19]) {
      expect(reasonOf(buildBankCardNumber({ length, serial: 42 }))).toBe('valid');
    }
  });

  it('refuses other lengths, non-digits and bad check digits', () => {
    expect(reasonOf('411111111111111')).toBe('invalid_length');
    expect(reasonOf('41111111111111111111')).toBe('invalid_length');
    expect(reasonOf('4111-1111-1111-1111')).toBe('invalid_format');
    expect(reasonOf('')).toBe('invalid_format');
    expect(reasonOf('4111111111111112')).toBe('invalid_checksum');
  });
});

describe('buildBankCardNumber', () => {
  it('puts the chosen sandbox digits at positions 7–9', () => {
    for (const digits7to9 of ['999', '998', '997']) {
      const card = buildBankCardNumber({ digits7to9, serial: 5 });
      expect(card.slice(6, 9)).toBe(digits7to9);
      expect(card).toHaveLength(19);
      expect(reasonOf(card)).toBe('valid');
    }
    expect(buildBankCardNumber({ bin: '621700', length: 16 })).toMatch(/^621700000\d{7}$/);
  });

  it('makes distinct cards from distinct serials', () => {
    expect(buildBankCardNumber({ serial: 1 })).not.toBe(buildBankCardNumber({ serial: 2 }));
  });

  it('refuses a serial too long for the length', () => {
    expect(() => buildBankCardNumber({ length: 16, serial: 1234567 })).toThrow(RangeError);
    expect(() => buildBankCardNumber({ digits7to9: '99' })).toThrow(RangeError);
  });
});
