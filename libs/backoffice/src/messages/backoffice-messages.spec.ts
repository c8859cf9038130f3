import { IntlMessageFormat } from 'intl-messageformat';
import { LOCALES } from '@shiming/common';
import { REASON_CODES } from '../domain/reason-codes';
import { BACKOFFICE_MESSAGES, wordedReasonCodes } from '.';

function argumentsOf(text: string, locale: string): string[] {
  return new IntlMessageFormat(text, locale)
    .getAst()
    .flatMap((element) => ('value' in element && element.type !== 0 ? [element.value] : []))
    .sort();
}

describe('the back office’s messages', () => {
  const { messages } = BACKOFFICE_MESSAGES;
  type Id = keyof (typeof messages)['zh-CN'];

  it('has the same ids in every language, each parsing, with the same arguments', () => {
    const ids = Object.keys(messages['zh-CN']).sort() as Id[];
    for (const locale of LOCALES) {
      expect(Object.keys(messages[locale]).sort()).toEqual(ids);
      for (const id of ids) {
        expect([id, argumentsOf(messages[locale][id], locale)]).toEqual([
          id,
          argumentsOf(messages['zh-CN'][id], 'zh-CN'),
        ]);
      }
    }
  });

  it('gives every reason code a label and a default message in every language', () => {
    const codes = [...REASON_CODES.manual_review, ...REASON_CODES.appeal].map((r) => r.code);
    const missing = codes.flatMap((code) =>
      [`reason.${code}.label`, `reason.${code}.message`].filter(
        (id) => !BACKOFFICE_MESSAGES.has(id),
      ),
    );
    expect(missing).toEqual([]);
  });

  it('words the reason codes for the language asked, with both languages beside', () => {
    const [first] = wordedReasonCodes('zh-CN').manual_review;
    expect(first).toEqual({
      code: 'certificates_unreadable',
      label: '证件无法辨认或不完整',
      labels: { 'zh-CN': '证件无法辨认或不完整', en: 'Certificates unreadable or cropped' },
      defaultMessages: {
        'zh-CN': expect.stringMatching(/重新上传/),
        en: expect.stringMatching(/upload it again/),
      },
    });
    expect(wordedReasonCodes('en').appeal.map((r) => r.label)).toContain('Suspected fraud');
  });
});
