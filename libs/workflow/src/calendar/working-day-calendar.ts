import { Injectable } from '@nestjs/common';
import {
  addWorkingDays,
  CalendarDate,
  HolidayTable,
  isWorkingDay,
  PRC_HOLIDAYS,
  YearRange,
} from './working-days';

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

  constructor(private readonly table: HolidayTable = PRC_HOLIDAYS) {
    this.calendarVersion = table.version;
  }

  coveredYears(): YearRange {
    return { ...this.table.years };
  }

  isWorkingDay(date: CalendarDate): boolean {
    return isWorkingDay(this.table, date);
  }

  /** The end (23:59:59.999 Shanghai) of the n-th working day after the Shanghai day of `t`. */
  addWorkingDays(t: Date, n: number): Date {
    return addWorkingDays(this.table, t, n);
  }
}
