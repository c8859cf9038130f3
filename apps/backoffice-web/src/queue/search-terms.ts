import type { SearchBy } from '../api/queries';

// What the search box and the date filters turn typed text into, apart from React.

/** What a typed value most likely is: a case id, an ID number, a mobile, else an account id. */
export function detectSearchBy(raw: string): SearchBy {
  const value = raw.trim();
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) {
    return 'caseId';
  }
  if (/^\d{17}[\dXx]$/.test(value.replace(/\s/g, ''))) return 'idNumber';
  if (/^(\+?86)?1\d{10}$/.test(value.replace(/[\s-]/g, ''))) return 'mobile';
  return 'accountId';
}

/** A calendar day (yyyy-mm-dd) as the instant it starts in Beijing time. */
export function beijingDayStart(day: string, addDays = 0): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const start = new Date(`${day}T00:00:00+08:00`);
  if (Number.isNaN(start.getTime())) return undefined;
  return new Date(start.getTime() + addDays * 86_400_000).toISOString();
}
