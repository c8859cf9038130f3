import type { CaseOutcome, CaseStatus } from './api/types';
import type { Translate } from './i18n/i18n';

// Staff work in mainland China: every time is shown in Beijing time, whatever time
// zone the browser is set to, and says so.
export const TIME_ZONE = 'Asia/Shanghai';

const PARTS = new Intl.DateTimeFormat('en-US', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

export interface ShanghaiTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/** The calendar date and wall-clock time of an instant in Beijing. */
export function shanghaiTime(date: Date): ShanghaiTime {
  const parts = Object.fromEntries(
    PARTS.formatToParts(date).map((part) => [part.type, Number(part.value)]),
  ) as Record<string, number>;
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    // Some engines write midnight as 24 with h23.
    hour: parts.hour % 24,
    minute: parts.minute,
  };
}

const two = (n: number): string => String(n).padStart(2, '0');

/**
 * "12月9日 23:59（北京时间）" / "Dec 9, 23:59 (Beijing time)"; the year is added when it
 * is not the current one. An unreadable value is shown as it came.
 */
export function formatTime(
  t: Translate,
  iso: string | null | undefined,
  now: number = Date.now(),
): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const at = shanghaiTime(date);
  const values = { year: at.year, month: at.month, day: at.day };
  const sameYear = shanghaiTime(new Date(now)).year === at.year;
  return t('time.absolute', {
    date: t(sameYear ? 'time.date' : 'time.dateWithYear', values),
    time: `${two(at.hour)}:${two(at.minute)}`,
  });
}

/**
 * A duration in words, to the minute: "1 天 3 小时", "13 分钟" / "1 day 3 hours",
 * "13 minutes"; the two largest units, the smaller left out when it is 0.
 */
export function formatDuration(t: Translate, ms: number): string {
  const totalMinutes = Math.floor(Math.max(0, ms) / 60_000);
  if (totalMinutes < 1) return t('duration.underMinute');
  const days = Math.floor(totalMinutes / 1440);
  const hours = Math.floor((totalMinutes % 1440) / 60);
  const minutes = totalMinutes % 60;
  if (days > 0)
    return hours > 0 ? t('duration.daysHours', { days, hours }) : t('duration.days', { days });
  if (hours > 0) {
    return minutes > 0
      ? t('duration.hoursMinutes', { hours, minutes })
      : t('duration.hours', { hours });
  }
  return t('duration.minutes', { minutes });
}

/** "剩余 1 天 3 小时" before the due time, "超时 13 分钟" after it. */
export function formatDue(t: Translate, remainingMs: number): string {
  return remainingMs > 0
    ? t('due.remaining', { duration: formatDuration(t, remainingMs) })
    : t('due.overdue', { duration: formatDuration(t, -remainingMs) });
}

export function statusLabel(t: Translate, status: CaseStatus, outcome: CaseOutcome | null): string {
  if (status === 'decided' && outcome) {
    return t('status.decidedWith', { outcome: t(`outcome.${outcome}`) });
  }
  return t(`status.${status}`);
}

export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(0)} KB`;
  return `${(size / 1024 / 1024).toFixed(1)} MB`;
}

export function shortId(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id;
}
