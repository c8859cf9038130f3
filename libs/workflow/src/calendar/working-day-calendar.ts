import { Injectable } from '@nestjs/common';
import { SystemClock, type Clock } from '../clock';
import {
  addWorkingDays,
  addWorkingDaysProvisionally,
  CalendarDate,
  calendarRunway,
  type CalendarRunway,
  HolidayTable,
  isWorkingDay,
  PRC_HOLIDAYS,
  type WorkingDayDeadline,
  YearRange,
} from './working-days';

export interface WorkingDayCalendarOptions {
  /**
   * Count a deadline that reaches past the data by the weekday rule and mark it
   * provisional, instead of refusing it with `CalendarRangeError`.
   */
  provisionalDeadlines: boolean;
}

/**
 * The PRC official working-day calendar in Asia/Shanghai: weekends and public holidays are off,
 * make-up working days (调休上班) are on. Years outside the data throw `CalendarRangeError`.
 * The data is the package's (`PRC_HOLIDAYS`), with the years an operator added
 * (`HOLIDAYS_FILE`, see `supplementedTable`).
 */
@Injectable()
export class WorkingDayCalendar {
  /** Record it beside a due date: a later data release may move a holiday. */
  readonly calendarVersion: string;
  readonly provisionalDeadlines: boolean;

  constructor(
    private readonly table: HolidayTable = PRC_HOLIDAYS,
    options: WorkingDayCalendarOptions = { provisionalDeadlines: true },
    private readonly clock: Clock = new SystemClock(),
  ) {
    this.calendarVersion = table.version;
    this.provisionalDeadlines = options.provisionalDeadlines;
  }

  coveredYears(): YearRange {
    return { ...this.table.years };
  }

  /** Whether the data holds the year of this Shanghai date (its days off are official). */
  covers(date: CalendarDate): boolean {
    const year = Number(date.slice(0, 4));
    return year >= this.table.years.from && year <= this.table.years.to;
  }

  /**
   * Days left until the data ends (by default from the application's clock), for the
   * boot log, readiness, a metric and the supervisors' notice.
   */
  calendarRunway(now: Date = this.clock.now()): CalendarRunway {
    return calendarRunway(this.table, now);
  }

  isWorkingDay(date: CalendarDate): boolean {
    return isWorkingDay(this.table, date);
  }

  /** The end (23:59:59.999 Shanghai) of the n-th working day after the Shanghai day of `t`. */
  addWorkingDays(t: Date, n: number): Date {
    return addWorkingDays(this.table, t, n);
  }

  /**
   * A working-day deadline: official where the data reaches, provisional (weekday rule)
   * where it does not, or `CalendarRangeError` there when provisional deadlines are off.
   */
  workingDayDeadline(t: Date, n: number): WorkingDayDeadline {
    if (!this.provisionalDeadlines) {
      return { dueAt: addWorkingDays(this.table, t, n), provisional: false };
    }
    return addWorkingDaysProvisionally(this.table, t, n);
  }
}
