import { Locale } from './locale';

const TIME_ZONE = 'Asia/Shanghai';

const formats = new Map<Locale, Intl.DateTimeFormat>();

function formatOf(locale: Locale): Intl.DateTimeFormat {
  let format = formats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, {
      timeZone: TIME_ZONE,
      year: 'numeric',
      month: locale === 'zh-CN' ? 'long' : 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(locale, format);
  }
  return format;
}

/**
 * An absolute time as people in mainland China read it, whatever the server's zone:
 * `2026年12月9日 23:59（北京时间）`, `Dec 9, 2026, 23:59 (Beijing time)`.
 */
export function formatBeijingTime(locale: Locale, at: Date | string): string {
  const text = formatOf(locale).format(typeof at === 'string' ? new Date(at) : at);
  return locale === 'zh-CN' ? `${text}（北京时间）` : `${text} (Beijing time)`;
}
