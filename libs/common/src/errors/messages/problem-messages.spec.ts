import { IntlMessageFormat } from 'intl-messageformat';
import { LOCALES } from '../../i18n/locale';
import { CODE_BY_STATUS } from '../problem-details';
import { PROBLEM_CATALOGUE } from '.';
import { FIELD_CATALOGUE } from './field-messages';

describe('the catalogue of refusal messages', () => {
  const { messages } = PROBLEM_CATALOGUE;

  it('has the same codes in every language', () => {
    const zh = Object.keys(messages['zh-CN']).sort();
    for (const locale of LOCALES) expect(Object.keys(messages[locale]).sort()).toEqual(zh);
  });

  it.each(LOCALES)('has a non-empty ICU message for every code in %s', (locale) => {
    for (const [code, text] of Object.entries(messages[locale])) {
      expect([code, text.trim().length > 0]).toEqual([code, true]);
      // Parsed here, so a broken message fails CI rather than a refusal at run time; a
      // refusal's detail takes no arguments (its literal text only).
      const ast = new IntlMessageFormat(text, locale).getAst();
      expect([code, ast.every((element) => element.type === 0)]).toEqual([code, true]);
    }
  });

  it('writes the zh-CN messages in Chinese', () => {
    for (const [code, text] of Object.entries(messages['zh-CN'])) {
      expect([code, /[\u4e00-\u9fff]/.test(text)]).toEqual([code, true]);
    }
  });

  it('words every code an HTTP error gets from its status, the bare 500 and an outage', () => {
    const codes = [...Object.values(CODE_BY_STATUS), 'internal_error', 'database_unavailable'];
    expect(codes.filter((code) => !PROBLEM_CATALOGUE.has(code))).toEqual([]);
  });
});

describe('the catalogue of field error messages', () => {
  const { messages } = FIELD_CATALOGUE;

  it('has the same codes in every language', () => {
    const zh = Object.keys(messages['zh-CN']).sort();
    for (const locale of LOCALES) expect(Object.keys(messages[locale]).sort()).toEqual(zh);
  });

  it.each(LOCALES)('formats every message in %s with the field’s name only', (locale) => {
    for (const code of FIELD_CATALOGUE.ids()) {
      const text = FIELD_CATALOGUE.format(locale, code, { field: 'a.b' });
      expect([code, text.includes('{')]).toEqual([code, false]);
    }
  });

  it('writes the zh-CN messages in Chinese', () => {
    for (const [code, text] of Object.entries(messages['zh-CN'])) {
      expect([code, /[\u4e00-\u9fff]/.test(text)]).toEqual([code, true]);
    }
  });
});
