import chineseDaysData from 'chinese-days/dist/chinese-days.json';
import chineseDaysPackage from 'chinese-days/package.json';

/** A Shanghai calendar date, `YYYY-MM-DD`. */
export type CalendarDate = string;

export interface YearRange {
  readonly from: number;
  readonly to: number;
}

/** The official arrangement of days off and make-up working days for a run of years. */
export interface HolidayTable {
  /** Names the data a due date was computed with, e.g. `chinese-days@1.5.7`. */
  readonly version: string;
  readonly years: YearRange;
  /** Public holidays and the rest days moved next to them (调休放假). */
  readonly daysOff: ReadonlySet<CalendarDate>;
  /** Weekend days that are working days (调休上班). */
  readonly makeUpWorkingDays: ReadonlySet<CalendarDate>;
}

/** A day beyond the holiday data: answered 503, since adding the data (`HOLIDAYS_FILE`) mends it. */
export class CalendarRangeError extends Error {
  readonly code = 'calendar_out_of_range';
  readonly status = 503;

  constructor(
    readonly year: number,
    readonly covered: YearRange,
    readonly version: string,
  ) {
    super(
      `No PRC working-day calendar for ${year}: ${version} covers ${covered.from}-${covered.to}`,
    );
    this.name = 'CalendarRangeError';
  }
}

export const TIME_ZONE = 'Asia/Shanghai';

/**
 * Builds a table from the shape of chinese-days' `chinese-days.json`. The covered years are the
 * years that have entries; a gap would make a year silently weekends-only, so it is refused.
 */
export function holidayTable(
  version: string,
  data: { holidays: Record<string, string>; workdays: Record<string, string> },
): HolidayTable {
  const daysOff = new Set(Object.keys(data.holidays).map(checkDate));
  const makeUpWorkingDays = new Set(Object.keys(data.workdays).map(checkDate));
  const years = new Set([...daysOff, ...makeUpWorkingDays].map(yearOf));
  if (years.size === 0) {
    throw new Error(`${version} has no holiday data`);
  }
  const from = Math.min(...years);
  const to = Math.max(...years);
  for (let year = from; year <= to; year++) {
    if (!years.has(year)) {
      throw new Error(`${version} has no holiday data for ${year}, between ${from} and ${to}`);
    }
  }
  return { version, years: { from, to }, daysOff, makeUpWorkingDays };
}

// Read from the package's data file rather than its functions: those read dates in the
// process's local time zone and report the wrong day west of UTC.
export const PRC_HOLIDAYS: HolidayTable = holidayTable(
  `chinese-days@${chineseDaysPackage.version}`,
  chineseDaysData,
);

/** Years of the official arrangement, published before a data release carries them. */
export interface HolidaySupplement {
  /** Where the dates come from (the State Council notice); part of the calendar's version. */
  source: string;
  years: Record<string, { daysOff: CalendarDate[]; makeUpWorkingDays: CalendarDate[] }>;
}

/**
 * `table` with the years of `supplement` that follow it, so that an operator can add a
 * year the day the State Council publishes it. Only years after the table's last one,
 * without gaps, each with its days off (every year has public holidays), each date in
 * its own year; a year the table already covers is left to the table and returned in
 * `ignored`, so that a data release that catches up always wins.
 */
export function supplementedTable(
  table: HolidayTable,
  supplement: HolidaySupplement,
): { table: HolidayTable; ignored: number[] } {
  if (typeof supplement?.source !== 'string' || supplement.source.trim() === '') {
    throw new Error('the supplement needs a "source": the notice its dates come from');
  }
  const years = supplement.years;
  if (typeof years !== 'object' || years === null || Object.keys(years).length === 0) {
    throw new Error('the supplement needs "years", with at least one year');
  }
  const entries = Object.entries(years).map(([key, days]) => {
    const year = Number(key);
    if (!/^\d{4}$/.test(key)) throw new Error(`"${key}" is not a year`);
    if (!Array.isArray(days?.daysOff) || days.daysOff.length === 0) {
      throw new Error(`${year} has no days off`);
    }
    if (!Array.isArray(days.makeUpWorkingDays)) {
      throw new Error(`${year} needs makeUpWorkingDays (an empty list if there are none)`);
    }
    for (const date of [...days.daysOff, ...days.makeUpWorkingDays]) {
      if (yearOf(checkDate(date)) !== year) throw new Error(`${date} is not in ${year}`);
    }
    for (const date of days.makeUpWorkingDays) {
      if (days.daysOff.includes(date))
        throw new Error(`${date} is both a day off and a working day`);
      // 调休上班 moves work onto a weekend; a weekday listed there is a slip.
      if (!isWeekend(date)) throw new Error(`${date} is a weekday, not a make-up day`);
    }
    return { year, days };
  });
  const ignored = entries.filter((e) => e.year <= table.years.to).map((e) => e.year);
  const added = entries.filter((e) => e.year > table.years.to).sort((a, b) => a.year - b.year);
  added.forEach(({ year }, i) => {
    if (year !== table.years.to + i + 1) {
      throw new Error(`${year} does not follow ${table.years.to + i}: years must not leave gaps`);
    }
  });
  if (added.length === 0) return { table, ignored };
  return {
    table: {
      version: `${table.version}+${added.map((e) => e.year).join(',')} (${supplement.source.trim()})`,
      years: { from: table.years.from, to: added[added.length - 1].year },
      daysOff: new Set([...table.daysOff, ...added.flatMap((e) => e.days.daysOff)]),
      makeUpWorkingDays: new Set([
        ...table.makeUpWorkingDays,
        ...added.flatMap((e) => e.days.makeUpWorkingDays),
      ]),
    },
    ignored,
  };
}

export function isWorkingDay(table: HolidayTable, date: CalendarDate): boolean {
  checkDate(date);
  const year = yearOf(date);
  if (year < table.years.from || year > table.years.to) {
    throw new CalendarRangeError(year, table.years, table.version);
  }
  if (table.makeUpWorkingDays.has(date)) return true;
  if (table.daysOff.has(date)) return false;
  return !isWeekend(date);
}

function isWeekend(date: CalendarDate): boolean {
  const weekday = toUtcMidnight(date).getUTCDay();
  return weekday === 0 || weekday === 6;
}

/**
 * The end of the n-th working day after the Shanghai day of `t`; that day itself never counts.
 */
export function addWorkingDays(table: HolidayTable, t: Date, n: number): Date {
  return countWorkingDays(t, n, (date) => isWorkingDay(table, date));
}

/** A due time, and whether a day of its counting lay past the data (weekday rule). */
export interface WorkingDayDeadline {
  dueAt: Date;
  provisional: boolean;
}

/**
 * Like `addWorkingDays`, but a day after the table's last year counts by the weekday
 * rule (weekends off, no holidays) and makes the result provisional: a holiday published
 * later can only move it, so it is recomputed when the data arrives.
 */
export function addWorkingDaysProvisionally(
  table: HolidayTable,
  t: Date,
  n: number,
): WorkingDayDeadline {
  let provisional = false;
  const dueAt = countWorkingDays(t, n, (date) => {
    if (yearOf(date) <= table.years.to) return isWorkingDay(table, date);
    provisional = true;
    return !isWeekend(checkDate(date));
  });
  return { dueAt, provisional };
}

function countWorkingDays(t: Date, n: number, working: (date: CalendarDate) => boolean): Date {
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new RangeError(`n must be a positive integer, got ${n}`);
  }
  let date = shanghaiDateOf(t);
  for (let counted = 0; counted < n;) {
    date = nextDate(date);
    if (working(date)) counted++;
  }
  return endOfShanghaiDay(date);
}

/** How far the official data reaches from the Shanghai day of `now`. */
export interface CalendarRunway {
  /** The calendar's data, e.g. `chinese-days@1.5.7`. */
  version: string;
  /** The last day the data covers (31 December of its last year). */
  lastCoveredDate: CalendarDate;
  /** Whole days from today (Shanghai) to that day; 0 on it, negative after it. */
  daysLeft: number;
}

export function calendarRunway(table: HolidayTable, now: Date): CalendarRunway {
  const lastCoveredDate = `${pad(table.years.to, 4)}-12-31`;
  const today = toUtcMidnight(shanghaiDateOf(now)).getTime();
  const daysLeft = Math.round((toUtcMidnight(lastCoveredDate).getTime() - today) / 86_400_000);
  return { version: table.version, lastCoveredDate, daysLeft };
}

const wallClock = new Intl.DateTimeFormat('en-US', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** The Shanghai calendar date at the instant `t`. */
export function shanghaiDateOf(t: Date): CalendarDate {
  const { year, month, day } = shanghaiWallClock(t);
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** The last millisecond (23:59:59.999) of a Shanghai calendar date. */
export function endOfShanghaiDay(date: CalendarDate): Date {
  const start = toUtcMidnight(nextDate(date)).getTime();
  // Read the zone's offset at the guess, then again at the result, in case the guess fell on
  // the other side of an offset change.
  const guess = start - offsetAt(start);
  return new Date(start - offsetAt(guess) - 1);
}

function shanghaiWallClock(t: Date) {
  if (Number.isNaN(t.getTime())) {
    throw new RangeError('invalid Date');
  }
  const parts = Object.fromEntries(
    wallClock.formatToParts(t).map((part) => [part.type, Number(part.value)]),
  );
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour,
    minute: parts.minute,
    second: parts.second,
  };
}

/** How far Shanghai's wall clock is ahead of UTC at the instant `epochMs`. */
function offsetAt(epochMs: number): number {
  const instant = new Date(epochMs);
  const w = shanghaiWallClock(instant);
  const wallAsUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return wallAsUtc - (epochMs - instant.getUTCMilliseconds());
}

function checkDate(date: string): CalendarDate {
  const valid =
    /^\d{4}-\d{2}-\d{2}$/.test(date) && toUtcMidnight(date).toISOString().slice(0, 10) === date;
  if (!valid) {
    throw new RangeError(`expected a calendar date YYYY-MM-DD, got ${JSON.stringify(date)}`);
  }
  return date;
}

// Calendar-date arithmetic is done on UTC midnights, which have no time zone to shift them.
function toUtcMidnight(date: CalendarDate): Date {
  const [year, month, day] = date.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day));
}

function nextDate(date: CalendarDate): CalendarDate {
  const next = toUtcMidnight(date);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
}

function yearOf(date: CalendarDate): number {
  return Number(date.slice(0, 4));
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
