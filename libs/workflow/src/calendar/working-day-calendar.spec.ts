import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workingDayCalendar } from './holiday-file';
import { WorkingDayCalendar } from './working-day-calendar';
import {
  CalendarRangeError,
  endOfShanghaiDay,
  holidayTable,
  isWorkingDay,
  PRC_HOLIDAYS,
  shanghaiDateOf,
  supplementedTable,
  type HolidaySupplement,
} from './working-days';

// Expected dates are from the State Council notices 国办发明电〔2024〕12号 (2025) and
// 国办发明电〔2025〕7号 (2026).

const calendar = new WorkingDayCalendar();

/** An instant given as Shanghai wall-clock time. */
const shanghai = (dateTime: string) => new Date(`${dateTime}+08:00`);

/** The instant 23:59:59.999 Asia/Shanghai of `date`, written as UTC. */
const endOf = (date: string) => {
  const next = new Date(`${date}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return new Date(next.getTime() - 8 * 60 * 60 * 1000 - 1);
};

function expectDays(days: Record<string, 'working' | 'off'>) {
  for (const [date, expected] of Object.entries(days)) {
    expect([date, calendar.isWorkingDay(date) ? 'working' : 'off']).toEqual([date, expected]);
  }
}

describe('WorkingDayCalendar', () => {
  describe('isWorkingDay', () => {
    it('treats ordinary weekdays as working and weekends as off', () => {
      expectDays({
        '2026-03-13': 'working', // Friday
        '2026-03-14': 'off', // Saturday
        '2026-03-15': 'off', // Sunday
        '2026-03-16': 'working', // Monday
      });
    });

    it('follows Spring Festival 2025: 28 Jan-4 Feb off, Sunday 26 Jan and Saturday 8 Feb worked', () => {
      expectDays({
        '2025-01-25': 'off',
        '2025-01-26': 'working',
        '2025-01-27': 'working',
        '2025-01-28': 'off',
        '2025-01-29': 'off',
        '2025-02-03': 'off',
        '2025-02-04': 'off',
        '2025-02-05': 'working',
        '2025-02-07': 'working',
        '2025-02-08': 'working',
        '2025-02-09': 'off',
      });
    });

    it('follows Spring Festival 2026: 15-23 Feb off, Saturdays 14 Feb and 28 Feb worked', () => {
      expectDays({
        '2026-02-13': 'working',
        '2026-02-14': 'working',
        '2026-02-15': 'off',
        '2026-02-17': 'off',
        '2026-02-23': 'off',
        '2026-02-24': 'working',
        '2026-02-27': 'working',
        '2026-02-28': 'working',
        '2026-03-01': 'off',
      });
    });

    it('follows Labour Day 2025: 1-5 May off, Sunday 27 Apr worked', () => {
      expectDays({
        '2025-04-26': 'off',
        '2025-04-27': 'working',
        '2025-04-30': 'working',
        '2025-05-01': 'off',
        '2025-05-05': 'off',
        '2025-05-06': 'working',
        '2025-05-10': 'off',
      });
    });

    it('follows Labour Day 2026: 1-5 May off, Saturday 9 May worked', () => {
      expectDays({
        '2026-04-30': 'working',
        '2026-05-01': 'off',
        '2026-05-04': 'off',
        '2026-05-05': 'off',
        '2026-05-06': 'working',
        '2026-05-09': 'working',
        '2026-05-10': 'off',
      });
    });

    it('follows National Day 2025 merged with Mid-Autumn: 1-8 Oct off, 28 Sep and 11 Oct worked', () => {
      expectDays({
        '2025-09-27': 'off',
        '2025-09-28': 'working',
        '2025-09-30': 'working',
        '2025-10-01': 'off',
        '2025-10-06': 'off',
        '2025-10-08': 'off',
        '2025-10-09': 'working',
        '2025-10-11': 'working',
        '2025-10-12': 'off',
      });
    });

    it('follows Mid-Autumn and National Day 2026: 25-27 Sep and 1-7 Oct off, 20 Sep and 10 Oct worked', () => {
      expectDays({
        '2026-09-19': 'off',
        '2026-09-20': 'working',
        '2026-09-25': 'off',
        '2026-09-28': 'working',
        '2026-09-30': 'working',
        '2026-10-01': 'off',
        '2026-10-07': 'off',
        '2026-10-08': 'working',
        '2026-10-10': 'working',
        '2026-10-11': 'off',
      });
    });

    it.each(['2026-3-1', '2026-02-30', '20260301', '2026-03-01T00:00:00Z', ''])(
      'refuses %j, which is not a calendar date',
      (date) => {
        expect(() => calendar.isWorkingDay(date)).toThrow(RangeError);
      },
    );
  });

  describe('addWorkingDays', () => {
    it('counts from the Monday after a Friday-evening start', () => {
      // Given a Friday evening in Shanghai
      const start = shanghai('2026-03-13T20:00:00');

      // When three working days are added
      const due = calendar.addWorkingDays(start, 3);

      // Then the due time is the end of Wednesday in Shanghai
      expect(due).toEqual(endOf('2026-03-18'));
      expect(due.toISOString()).toBe('2026-03-18T15:59:59.999Z');
    });

    it('does not count the start day even when it is a working day', () => {
      expect(calendar.addWorkingDays(shanghai('2026-03-16T00:00:00'), 1)).toEqual(
        endOf('2026-03-17'),
      );
    });

    it('counts from the first working day after a start on a public holiday', () => {
      // Given a start in the middle of the 2025 National Day holiday
      const start = shanghai('2025-10-03T09:00:00');

      // Then the first working day is Thursday 9 Oct
      expect(calendar.addWorkingDays(start, 1)).toEqual(endOf('2025-10-09'));
      expect(calendar.addWorkingDays(start, 3)).toEqual(endOf('2025-10-11'));
    });

    it.each([
      ['skips Spring Festival 2025', '2025-01-27T10:00:00', 3, '2025-02-07'],
      [
        'lands on the make-up Saturday after Spring Festival 2025',
        '2025-02-06T10:00:00',
        2,
        '2025-02-08',
      ],
      [
        'lands on the make-up Saturday before Spring Festival 2026',
        '2026-02-13T12:00:00',
        1,
        '2026-02-14',
      ],
      ['jumps over the nine days of Spring Festival 2026', '2026-02-13T12:00:00', 2, '2026-02-24'],
      [
        'lands on the make-up Sunday before Labour Day 2025',
        '2025-04-26T10:00:00',
        1,
        '2025-04-27',
      ],
      ['skips Labour Day 2025', '2025-04-30T10:00:00', 1, '2025-05-06'],
      ['skips Labour Day 2026', '2026-04-30T10:00:00', 3, '2026-05-08'],
      [
        'lands on the make-up Saturday after Labour Day 2026',
        '2026-04-30T10:00:00',
        4,
        '2026-05-09',
      ],
      [
        'continues past the make-up Saturday of Labour Day 2026',
        '2026-04-30T10:00:00',
        5,
        '2026-05-11',
      ],
      [
        'lands on the make-up Sunday before National Day 2025',
        '2025-09-26T18:00:00',
        1,
        '2025-09-28',
      ],
      ['skips the merged eight days of National Day 2025', '2025-09-30T10:00:00', 3, '2025-10-11'],
      ['skips Mid-Autumn 2026', '2026-09-24T10:00:00', 1, '2026-09-28'],
      ['skips National Day 2026 to its make-up Saturday', '2026-09-30T10:00:00', 3, '2026-10-10'],
      ['crosses from 2025 into 2026 over New Year', '2025-12-31T10:00:00', 1, '2026-01-04'],
    ])('%s', (_behaviour, start, n, dueDate) => {
      expect(calendar.addWorkingDays(shanghai(start), n)).toEqual(endOf(dueDate));
    });

    it('takes the Shanghai day of a late-evening start, not a UTC one', () => {
      // Given 23:30 on Monday in Shanghai, which is 15:30 Monday in UTC
      const start = shanghai('2026-03-16T23:30:00');
      expect(start.toISOString()).toBe('2026-03-16T15:30:00.000Z');

      // Then Monday is the start day and Tuesday the first working day
      expect(calendar.addWorkingDays(start, 1)).toEqual(endOf('2026-03-17'));
    });

    it('takes the Shanghai day of an early-morning start that is still the previous day in UTC', () => {
      // Given 07:30 on Tuesday in Shanghai, which is 23:30 Monday in UTC
      const start = new Date('2026-03-16T23:30:00Z');
      expect(shanghaiDateOf(start)).toBe('2026-03-17');

      // Then Tuesday is the start day and Wednesday the first working day
      expect(calendar.addWorkingDays(start, 1)).toEqual(endOf('2026-03-18'));
    });

    it('moves to the next Shanghai day exactly at Shanghai midnight', () => {
      const lastMillisecondOfMonday = new Date('2026-03-16T15:59:59.999Z');
      const midnight = new Date('2026-03-16T16:00:00.000Z');

      expect(calendar.addWorkingDays(lastMillisecondOfMonday, 1)).toEqual(endOf('2026-03-17'));
      expect(calendar.addWorkingDays(midnight, 1)).toEqual(endOf('2026-03-18'));
    });

    it('returns the last millisecond of the Shanghai due day', () => {
      const due = calendar.addWorkingDays(shanghai('2026-03-13T20:00:00'), 3);

      expect(shanghaiDateOf(due)).toBe('2026-03-18');
      expect(shanghaiDateOf(new Date(due.getTime() + 1))).toBe('2026-03-19');
    });

    it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses n = %d', (n) => {
      expect(() => calendar.addWorkingDays(shanghai('2026-03-13T20:00:00'), n)).toThrow(RangeError);
    });

    it('refuses an invalid Date', () => {
      expect(() => calendar.addWorkingDays(new Date('not a date'), 1)).toThrow(RangeError);
    });
  });

  describe('covered years', () => {
    const { from, to } = calendar.coveredYears();

    it('covers at least 2025 and 2026, and names the data it used', () => {
      expect(from).toBeLessThanOrEqual(2025);
      expect(to).toBeGreaterThanOrEqual(2026);
      expect(calendar.calendarVersion).toMatch(/^chinese-days@\d+\.\d+\.\d+/);
    });

    it('refuses a date after the covered years instead of guessing from weekends', () => {
      const error = catchError(() => calendar.isWorkingDay(`${to + 1}-10-01`));

      expect(error).toBeInstanceOf(CalendarRangeError);
      expect(error).toMatchObject({
        code: 'calendar_out_of_range',
        year: to + 1,
        covered: { from, to },
      });
      expect((error as Error).message).toContain(`${to + 1}`);
      expect((error as Error).message).toContain(`${from}-${to}`);
      expect((error as Error).message).toContain(calendar.calendarVersion);
    });

    it('refuses a date before the covered years', () => {
      expect(() => calendar.isWorkingDay(`${from - 1}-06-01`)).toThrow(CalendarRangeError);
    });

    it('refuses to count working days past the end of the covered years', () => {
      const lateDecember = shanghai(`${to}-12-28T10:00:00`);

      expect(() => calendar.addWorkingDays(lateDecember, 10)).toThrow(CalendarRangeError);
    });

    it('does not need data for the start day, which never counts', () => {
      // Given the last day before the data begins, 1 Jan of the first year is a holiday
      const start = shanghai(`${from - 1}-12-31T10:00:00`);

      expect(() => calendar.addWorkingDays(start, 1)).not.toThrow();
    });
  });
});

describe('holidayTable', () => {
  it('derives the covered years from the dates in the data', () => {
    const table = holidayTable('test@1', {
      holidays: { '2030-01-01': 'New Year', '2031-01-01': 'New Year' },
      workdays: { '2030-09-29': 'National Day' },
    });

    expect(table.years).toEqual({ from: 2030, to: 2031 });
    expect(isWorkingDay(table, '2030-09-29')).toBe(true); // a Sunday
    expect(isWorkingDay(table, '2031-01-01')).toBe(false); // a Wednesday
    expect(() => isWorkingDay(table, '2032-01-01')).toThrow(CalendarRangeError);
  });

  it('refuses data with a missing year, which would silently become weekends-only', () => {
    expect(() =>
      holidayTable('test@1', {
        holidays: { '2030-01-01': 'New Year', '2032-01-01': 'New Year' },
        workdays: {},
      }),
    ).toThrow(/no holiday data for 2031/);
  });
});

describe('past the end of the data', () => {
  // Data that ends with 2026, as a package release does; 1 Jan 2027 is a Friday.
  const through2026 = holidayTable('test-days@1', {
    holidays: { '2026-10-01': 'National Day' },
    workdays: {},
  });
  const with2027 = supplementedTable(through2026, {
    source: 'test notice',
    years: { '2027': { daysOff: ['2027-01-01'], makeUpWorkingDays: [] } },
  }).table;
  // Wednesday 30 December 2026, 10:00 in Shanghai.
  const filedAt = shanghai('2026-12-30T10:00:00');

  describe('calendarRunway', () => {
    const runway = (now: Date) => new WorkingDayCalendar(through2026).calendarRunway(now);

    it('counts the days from today (Shanghai) to the last day of the data', () => {
      expect(runway(shanghai('2026-12-07T10:00:00'))).toEqual({
        version: 'test-days@1',
        lastCoveredDate: '2026-12-31',
        daysLeft: 24,
      });
      expect(runway(shanghai('2026-11-01T00:00:00')).daysLeft).toBe(60);
    });

    it('is 0 on the last day and negative after it, by the Shanghai day', () => {
      expect(runway(shanghai('2026-12-31T23:59:59')).daysLeft).toBe(0);
      // 17:00 UTC on 31 December is already 1 January in Shanghai.
      expect(runway(new Date('2026-12-31T17:00:00Z')).daysLeft).toBe(-1);
      expect(runway(shanghai('2027-02-01T10:00:00')).daysLeft).toBe(-32);
    });

    it('reaches the end of a year added by a supplement', () => {
      expect(new WorkingDayCalendar(with2027).calendarRunway(filedAt)).toMatchObject({
        lastCoveredDate: '2027-12-31',
        daysLeft: 366,
      });
    });
  });

  describe('workingDayDeadline', () => {
    it('counts days past the data by the weekday rule and marks the due time provisional', () => {
      // 31 Dec (data), then Friday 1 Jan and Monday 4 Jan by weekdays.
      expect(new WorkingDayCalendar(through2026).workingDayDeadline(filedAt, 3)).toEqual({
        dueAt: endOf('2027-01-04'),
        provisional: true,
      });
    });

    it('is official once the data has the year, with its holidays', () => {
      expect(new WorkingDayCalendar(with2027).workingDayDeadline(filedAt, 3)).toEqual({
        dueAt: endOf('2027-01-05'),
        provisional: false,
      });
    });

    it('is official, and the same as addWorkingDays, inside the data', () => {
      const start = shanghai('2026-09-29T10:00:00');
      const within = new WorkingDayCalendar(through2026);
      expect(within.workingDayDeadline(start, 3)).toEqual({
        dueAt: within.addWorkingDays(start, 3),
        provisional: false,
      });
      expect(within.workingDayDeadline(start, 3).dueAt).toEqual(endOf('2026-10-05'));
    });

    it('refuses past the data, as before, when provisional deadlines are off', () => {
      const strict = new WorkingDayCalendar(through2026, { provisionalDeadlines: false });
      expect(strict.provisionalDeadlines).toBe(false);
      expect(() => strict.workingDayDeadline(filedAt, 3)).toThrow(CalendarRangeError);
      expect(strict.workingDayDeadline(shanghai('2026-12-01T10:00:00'), 3)).toEqual({
        dueAt: endOf('2026-12-04'),
        provisional: false,
      });
    });
  });
});

describe('supplementedTable and HOLIDAYS_FILE', () => {
  // A made-up arrangement for a year after the package's data, to test the mechanism;
  // not the State Council's.
  const next = PRC_HOLIDAYS.years.to + 1;
  const supplement = (years: HolidaySupplement['years'], source = 'test notice') => ({
    source,
    years,
  });
  // The year's first day of a weekday (0 Sunday … 6 Saturday); make-up days are weekend days.
  const first = (weekday: number) => {
    const d = new Date(`${next}-01-01T00:00:00Z`);
    while (d.getUTCDay() !== weekday) d.setUTCDate(d.getUTCDate() + 1);
    return d.toISOString().slice(0, 10);
  };
  const saturday = first(6);
  const made = {
    [next]: { daysOff: [`${next}-01-01`, `${next}-01-05`], makeUpWorkingDays: [saturday] },
  };

  it('adds the year after the package’s last, under a version that names its source', () => {
    const { table, ignored } = supplementedTable(PRC_HOLIDAYS, supplement(made));
    expect(ignored).toEqual([]);
    expect(table.years).toEqual({ from: PRC_HOLIDAYS.years.from, to: next });
    expect(table.version).toBe(`${PRC_HOLIDAYS.version}+${next} (test notice)`);
    const supplemented = new WorkingDayCalendar(table);
    for (const date of made[next].daysOff) expect(supplemented.isWorkingDay(date)).toBe(false);
    for (const date of made[next].makeUpWorkingDays) {
      expect(supplemented.isWorkingDay(date)).toBe(true);
    }
    // Not listed: a weekday works, a weekend day does not.
    const weekday = [`${next}-01-06`, `${next}-01-07`, `${next}-01-08`].find(
      (d) => ![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay()),
    )!;
    expect(supplemented.isWorkingDay(weekday)).toBe(true);
    expect(() => supplemented.isWorkingDay(`${next + 1}-03-03`)).toThrow(CalendarRangeError);
    // The package alone still stops at its last year.
    expect(() => calendar.isWorkingDay(weekday)).toThrow(CalendarRangeError);
  });

  it('counts working days across the new year with the added days off', () => {
    const supplemented = new WorkingDayCalendar(
      supplementedTable(PRC_HOLIDAYS, supplement(made)).table,
    );
    const start = shanghai(`${next - 1}-12-31T10:00:00`);
    const expected: string[] = [];
    for (let d = new Date(`${next}-01-01T00:00:00Z`); expected.length < 3;) {
      const date = d.toISOString().slice(0, 10);
      const weekend = [0, 6].includes(d.getUTCDay());
      const off = made[next].daysOff.includes(date);
      const makeUp = made[next].makeUpWorkingDays.includes(date);
      if (makeUp || (!weekend && !off)) expected.push(date);
      d.setUTCDate(d.getUTCDate() + 1);
    }
    expect(supplemented.addWorkingDays(start, 3)).toEqual(endOf(expected[2]));
  });

  it('leaves a year the package has to the package, and says so', () => {
    const covered = PRC_HOLIDAYS.years.to;
    const { table, ignored } = supplementedTable(
      PRC_HOLIDAYS,
      supplement({ [covered]: { daysOff: [`${covered}-03-03`], makeUpWorkingDays: [] } }),
    );
    expect(ignored).toEqual([covered]);
    expect(table).toBe(PRC_HOLIDAYS);
  });

  it.each([
    [
      'a gap',
      supplement({ [next + 1]: { daysOff: [`${next + 1}-01-01`], makeUpWorkingDays: [] } }),
      /years must not leave gaps/,
    ],
    ['no source', supplement(made, ' '), /needs a "source"/],
    [
      'a year without days off',
      supplement({ [next]: { daysOff: [], makeUpWorkingDays: [] } }),
      /no days off/,
    ],
    [
      'a date of another year',
      supplement({ [next]: { daysOff: [`${next + 1}-01-01`], makeUpWorkingDays: [] } }),
      /is not in/,
    ],
    [
      'a date that is not one',
      supplement({ [next]: { daysOff: [`${next}-02-30`], makeUpWorkingDays: [] } }),
      /YYYY-MM-DD/,
    ],
    ['no years', supplement({}), /needs "years"/],
    [
      'a day both off and working',
      supplement({ [next]: { daysOff: [saturday], makeUpWorkingDays: [saturday] } }),
      /both a day off and a working day/,
    ],
    [
      'a weekday as a make-up day',
      supplement({ [next]: { daysOff: [`${next}-01-01`], makeUpWorkingDays: [first(3)] } }),
      /is a weekday/,
    ],
  ])('refuses a supplement with %s', (_, bad, message) => {
    expect(() => supplementedTable(PRC_HOLIDAYS, bad)).toThrow(message);
  });

  it('reads the file HOLIDAYS_FILE names, and names it when it is wrong', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shiming-holidays-'));
    try {
      const good = join(dir, 'good.json');
      writeFileSync(good, JSON.stringify(supplement(made)));
      expect(workingDayCalendar(good).coveredYears().to).toBe(next);
      expect(workingDayCalendar(null).calendarVersion).toBe(PRC_HOLIDAYS.version);
      const broken = join(dir, 'broken.json');
      writeFileSync(broken, '{ "source": ');
      expect(() => workingDayCalendar(broken)).toThrow(`HOLIDAYS_FILE (${broken})`);
      expect(() => workingDayCalendar(join(dir, 'missing.json'))).toThrow(/HOLIDAYS_FILE.*ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('endOfShanghaiDay', () => {
  it('is 23:59:59.999 at UTC+8, which is 15:59:59.999 UTC the same day', () => {
    expect(endOfShanghaiDay('2026-03-18').toISOString()).toBe('2026-03-18T15:59:59.999Z');
    expect(endOfShanghaiDay('2025-12-31').toISOString()).toBe('2025-12-31T15:59:59.999Z');
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
