import { isMainlandMobile, validateMainlandMobile } from './mainland-mobile';

describe('validateMainlandMobile', () => {
  it('accepts 11 digits starting 13–19', () => {
    for (const mobile of ['13800138000', '14700000000', '15912345678', '19912345678']) {
      expect(validateMainlandMobile(mobile)).toEqual({ valid: true, mobile });
    }
  });

  it('strips +86, 86, 0086, spaces and hyphens', () => {
    for (const input of [
      '+8613800138000',
      '8613800138000',
      '008613800138000',
      '+86 138-0013-8000',
    ]) {
      expect(validateMainlandMobile(input)).toEqual({ valid: true, mobile: '13800138000' });
    }
  });

  it('refuses other prefixes, lengths and characters', () => {
    for (const input of [
      '12800138000',
      '10800138000',
      '1380013800',
      '138001380000',
      '+1 4155552671',
      '1380013800O',
      '+85213800138000',
    ]) {
      expect(validateMainlandMobile(input)).toEqual({ valid: false, reason: 'invalid_mobile' });
    }
    expect(isMainlandMobile(13800138000)).toBe(false);
  });
});
