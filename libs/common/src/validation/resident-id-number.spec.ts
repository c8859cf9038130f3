import {
  buildResidentIdNumber,
  isResidentIdNumber,
  residentIdCheckCharacter,
  validateResidentIdNumber,
} from './resident-id-number';

const NOW = new Date('2026-03-10T04:00:00Z');

const reasonOf = (input: string, now = NOW) => {
  const result = validateResidentIdNumber(input, now);
  return result.valid ? 'valid' : result.reason;
};

describe('validateResidentIdNumber', () => {
  it('accepts a valid number and reads its parts', () => {
    expect(validateResidentIdNumber('110101199003071233', NOW)).toEqual({
      valid: true,
      idNumber: {
        value: '110101199003071233',
        region: '110101',
        birthDate: '1990-03-07',
        sequence: '123',
        sex: 'male',
      },
    });
  });

  it('accepts an X check character and normalises a lower-case x and surrounding spaces', () => {
    const result = validateResidentIdNumber(' 11010519491231002x ', NOW);
    expect(result).toMatchObject({
      valid: true,
      idNumber: { value: '11010519491231002X', birthDate: '1949-12-31', sex: 'female' },
    });
    expect(reasonOf('11010519491231002X')).toBe('valid');
  });

  it('refuses a number of the wrong length', () => {
    expect(reasonOf('11010119900307123')).toBe('invalid_length');
    expect(reasonOf('1101011990030712330')).toBe('invalid_length');
    expect(reasonOf('')).toBe('invalid_length');
  });

  it('refuses letters anywhere but the check position', () => {
    expect(reasonOf('11010119900307A236')).toBe('invalid_format');
    expect(reasonOf('11010119900307123Y')).toBe('invalid_format');
  });

  it('refuses a province code that does not exist', () => {
    for (const region of ['000000', '160101', '240101', '380101', '470101', '550101', '720101']) {
      expect(reasonOf(buildResidentIdNumber({ region }))).toBe('invalid_region');
    }
    for (const region of ['150101', '230101', '460101', '540101', '650101', '810000', '830000']) {
      expect(reasonOf(buildResidentIdNumber({ region }))).toBe('valid');
    }
  });

  it('accepts 29 February in a leap year only', () => {
    expect(reasonOf(buildResidentIdNumber({ birthDate: '2000-02-29' }))).toBe('valid');
    expect(reasonOf(buildResidentIdNumber({ birthDate: '1996-02-29' }))).toBe('valid');
    expect(reasonOf(buildResidentIdNumber({ birthDate: '1999-02-29' }))).toBe('invalid_birth_date');
    // 1900 is divisible by 100 but not by 400: no 29 February.
    expect(reasonOf(buildResidentIdNumber({ birthDate: '1900-02-29' }))).toBe('invalid_birth_date');
  });

  it('refuses impossible dates, dates before 1900 and dates in the future', () => {
    for (const birthDate of ['19900431', '19901301', '19900000', '18991231', '20260311']) {
      expect(reasonOf(buildResidentIdNumber({ birthDate }))).toBe('invalid_birth_date');
    }
    expect(reasonOf(buildResidentIdNumber({ birthDate: '1900-01-01' }))).toBe('valid');
  });

  it('takes "today" in Asia/Shanghai: a child born today there is not in the future', () => {
    // 16:30 UTC on 10 March is already 11 March in Beijing.
    const lateEvening = new Date('2026-03-10T16:30:00Z');
    const bornToday = buildResidentIdNumber({ birthDate: '2026-03-11' });
    expect(reasonOf(bornToday, lateEvening)).toBe('valid');
    expect(reasonOf(bornToday, NOW)).toBe('invalid_birth_date');
  });

  it('refuses a wrong check digit', () => {
    expect(reasonOf('110101199003071236')).toBe('invalid_check_digit');
    expect(reasonOf('110105194912310021')).toBe('invalid_check_digit');
  });

  it('works as a type guard for unknown input', () => {
    expect(isResidentIdNumber('11010519491231002X', NOW)).toBe(true);
    expect(isResidentIdNumber(11010519491231002, NOW)).toBe(false);
  });
});

describe('buildResidentIdNumber', () => {
  it('builds numbers with the sandbox sequence codes and a correct check character', () => {
    const mismatch = buildResidentIdNumber({ sequence: 999 });
    const unavailable = buildResidentIdNumber({ region: '440305', sequence: '998' });
    expect(mismatch.slice(14, 17)).toBe('999');
    expect(unavailable).toMatch(/^44030519900307998[\dX]$/);
    expect(reasonOf(mismatch)).toBe('valid');
    expect(reasonOf(unavailable)).toBe('valid');
    expect(reasonOf(buildResidentIdNumber({ sequence: 7 }))).toBe('valid');
  });

  it('refuses parts that cannot make a number', () => {
    expect(() => buildResidentIdNumber({ region: '11' })).toThrow(RangeError);
    expect(() => buildResidentIdNumber({ sequence: 1000 })).toThrow(RangeError);
  });
});

describe('residentIdCheckCharacter', () => {
  it('computes ISO 7064 MOD 11-2', () => {
    expect(residentIdCheckCharacter('11010519491231002')).toBe('X');
    expect(residentIdCheckCharacter('11010119900307123')).toBe('3');
  });
});
