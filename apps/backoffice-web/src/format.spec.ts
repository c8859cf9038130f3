import { createIntl } from 'react-intl';
import { formatDue, formatDuration, formatTime, statusLabel } from './format';
import type { Translate } from './i18n/i18n';
import { CATALOGUES, type Language } from './i18n/messages';

function translator(language: Language): Translate {
  const intl = createIntl({
    locale: language,
    messages: CATALOGUES[language],
    onError: (error) => {
      throw error;
    },
  });
  return (id, values) => intl.formatMessage({ id }, values);
}

const zh = translator('zh-CN');
const en = translator('en');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const IN_2025 = Date.parse('2025-06-01T00:00:00Z');

describe('times in Beijing time', () => {
  const zone = process.env.TZ;
  // The machine's own zone must not matter: a reviewer's laptop may be set to any.
  beforeAll(() => {
    process.env.TZ = 'America/Los_Angeles';
  });
  afterAll(() => {
    process.env.TZ = zone;
  });

  it('writes an instant as the date and time in Beijing, and says so', () => {
    const iso = '2025-12-09T15:59:00.000Z';
    expect(formatTime(zh, iso, IN_2025)).toBe('12月9日 23:59（北京时间）');
    expect(formatTime(en, iso, IN_2025)).toBe('Dec 9, 23:59 (Beijing time)');
  });

  it('takes the calendar day of Beijing, which may be the next one', () => {
    expect(formatTime(zh, '2024-12-31T16:30:00.000Z', IN_2025)).toBe('1月1日 00:30（北京时间）');
  });

  it('adds the year when it is not the current one', () => {
    const iso = '2024-12-31T16:30:00.000Z';
    const in2026 = Date.parse('2026-03-01T00:00:00Z');
    expect(formatTime(zh, iso, in2026)).toBe('2025年1月1日 00:30（北京时间）');
    expect(formatTime(en, iso, in2026)).toBe('Jan 1, 2025, 00:30 (Beijing time)');
  });

  it('shows a missing time as a dash and an unreadable one as it came', () => {
    expect(formatTime(zh, null)).toBe('—');
    expect(formatTime(zh, 'soon')).toBe('soon');
  });
});

describe('durations in words', () => {
  it.each([
    [13 * MINUTE + 14_000, '13 分钟', '13 minutes'],
    [1 * MINUTE, '1 分钟', '1 minute'],
    [HOUR, '1 小时', '1 hour'],
    [2 * HOUR + 5 * MINUTE, '2 小时 5 分钟', '2 hours 5 minutes'],
    [DAY + 3 * HOUR + 59 * MINUTE, '1 天 3 小时', '1 day 3 hours'],
    [2 * DAY, '2 天', '2 days'],
    [30_000, '不到 1 分钟', 'less than a minute'],
  ])('%d ms is "%s" and "%s"', (ms, chinese, english) => {
    expect(formatDuration(zh, ms)).toBe(chinese);
    expect(formatDuration(en, ms)).toBe(english);
  });

  it('says how long is left before the due time, and how long it is overdue after it', () => {
    expect(formatDue(zh, DAY + 3 * HOUR)).toBe('剩余 1 天 3 小时');
    expect(formatDue(en, DAY + 3 * HOUR)).toBe('1 day 3 hours left');
    expect(formatDue(zh, -(13 * MINUTE + 14_000))).toBe('超时 13 分钟');
    expect(formatDue(en, -(13 * MINUTE + 14_000))).toBe('overdue by 13 minutes');
  });
});

describe('status labels', () => {
  it('names a decided case by its outcome', () => {
    expect(statusLabel(zh, 'decided', 'denied')).toBe('已决定 · 申诉驳回');
    expect(statusLabel(en, 'awaiting_approval', null)).toBe('Awaiting approval');
  });
});
