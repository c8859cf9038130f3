// Limits count per calendar month in Asia/Shanghai. China has kept UTC+8 all year
// since 1991 (no daylight saving), so a fixed offset is exact for every instant we
// will ever see, and needs no time-zone database.
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

const MONTH = /^([0-9]{4})-(0[1-9]|1[0-2])$/;

/** A calendar month in Asia/Shanghai, "YYYY-MM". */
export type Month = string;

/** The Shanghai calendar month of an instant: 2026-11-30T16:30Z → "2026-12". */
export function monthOf(instant: Date): Month {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError('Invalid instant');
  const shanghai = new Date(ms + SHANGHAI_OFFSET_MS);
  const year = shanghai.getUTCFullYear();
  if (year < 1000 || year > 9999) throw new RangeError(`Year out of range: ${year}`);
  return `${year}-${String(shanghai.getUTCMonth() + 1).padStart(2, '0')}`;
}

export function isMonth(text: string): boolean {
  return MONTH.test(text);
}

/** The first instant of a month: midnight of its first day in Shanghai. */
export function monthStart(month: Month): Date {
  const match = MONTH.exec(month);
  if (!match) throw new RangeError(`Not a month: ${JSON.stringify(month)}`);
  return new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1) - SHANGHAI_OFFSET_MS);
}

/** The first instant after a month, when its usage stops counting. */
export function monthEnd(month: Month): Date {
  const match = MONTH.exec(month);
  if (!match) throw new RangeError(`Not a month: ${JSON.stringify(month)}`);
  // Date.UTC rolls month 12 over into January of the next year.
  return new Date(Date.UTC(Number(match[1]), Number(match[2]), 1) - SHANGHAI_OFFSET_MS);
}
