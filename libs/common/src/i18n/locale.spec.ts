import { negotiateLocale } from './locale';
import { formatBeijingTime } from './beijing-time';

describe('negotiateLocale', () => {
  it.each([
    [undefined, 'zh-CN'],
    ['', 'zh-CN'],
    ['zh-CN', 'zh-CN'],
    ['zh', 'zh-CN'],
    ['en', 'en'],
    ['en-US,en;q=0.9', 'en'],
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
    ['en;q=0.5, zh-CN;q=0.9', 'zh-CN'],
    ['fr-FR, en;q=0.3', 'en'],
    ['fr-FR', 'zh-CN'],
    ['*', 'zh-CN'],
    ['not a language;;;', 'zh-CN'],
  ])('answers %p in %s', (header, locale) => {
    expect(negotiateLocale(header)).toBe(locale);
  });

  it('reads a header sent twice as one list', () => {
    expect(negotiateLocale(['fr', 'en'])).toBe('en');
  });
});

describe('formatBeijingTime', () => {
  it('writes an instant as the wall clock in Beijing, whatever the server’s zone', () => {
    expect(formatBeijingTime('zh-CN', '2026-12-09T15:59:00Z')).toBe(
      '2026年12月9日 23:59（北京时间）',
    );
    expect(formatBeijingTime('en', new Date('2026-12-09T15:59:00Z'))).toBe(
      'Dec 9, 2026, 23:59 (Beijing time)',
    );
  });
});
