import { validateChineseName } from './chinese-name';

const reasonOf = (input: string) => {
  const result = validateChineseName(input);
  return result.valid ? 'valid' : result.reason;
};

describe('validateChineseName', () => {
  it('accepts two to twenty Chinese characters, trimmed', () => {
    expect(validateChineseName('  张三 ')).toEqual({ valid: true, name: '张三' });
    expect(reasonOf('欧阳娜娜')).toBe('valid');
    expect(reasonOf('张'.repeat(20))).toBe('valid');
  });

  it('accepts a transliterated name with a middle dot', () => {
    expect(validateChineseName('阿依古丽·买买提')).toEqual({
      valid: true,
      name: '阿依古丽·买买提',
    });
    expect(reasonOf('爱新觉罗·溥·仪')).toBe('valid');
  });

  it('turns look-alike dots into the middle dot and drops spaces around it', () => {
    for (const dot of ['\u30FB', '\u2022', '\uFF0E', ' · ']) {
      expect(validateChineseName(`阿依古丽${dot}买买提`)).toEqual({
        valid: true,
        name: '阿依古丽·买买提',
      });
    }
  });

  it('accepts Extension A and astral Extension B characters, counting each as one', () => {
    expect(reasonOf('王㐀')).toBe('valid');
    expect(reasonOf('李𠀀')).toBe('valid');
    expect(reasonOf('𠀀'.repeat(20))).toBe('valid');
    expect(reasonOf('𠀀'.repeat(21))).toBe('invalid_length');
  });

  it('folds a CJK compatibility ideograph into its unified form', () => {
    // U+F900 is the compatibility form of 豈 (U+8C48).
    expect(validateChineseName('\uF900三')).toEqual({ valid: true, name: '\u8C48三' });
  });

  it('refuses a dot at either end or doubled', () => {
    expect(reasonOf('·阿依古丽')).toBe('invalid_dot');
    expect(reasonOf('阿依古丽·')).toBe('invalid_dot');
    expect(reasonOf('阿依古丽··买买提')).toBe('invalid_dot');
    expect(reasonOf('阿依古丽・·买买提')).toBe('invalid_dot');
  });

  it('refuses Latin letters, digits, spaces between characters and punctuation', () => {
    for (const input of ['Zhang San', '张San', '张三1', '张 三', '张三。', '张-三']) {
      expect(reasonOf(input)).toBe('invalid_characters');
    }
  });

  it('refuses fewer than two or more than twenty characters', () => {
    expect(reasonOf('张')).toBe('invalid_length');
    expect(reasonOf('  ')).toBe('invalid_length');
    expect(reasonOf('张'.repeat(21))).toBe('invalid_length');
  });
});
