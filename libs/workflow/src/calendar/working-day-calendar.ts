import { Injectable } from '@nestjs/common';
import {
  addWorkingDays,
  CalendarDate,
  isWorkingDay,
  PRC_HOLIDAYS,
  YearRange,
} from './working-days';

/**
 * The PRC official working-day calendar in Asia/Shanghai: weekends and public holidays are off,
 * make-up working days (调休上班) are on. Years outside the data throw `CalendarRangeError`.
 */
@Injectable()
export class WorkingDayCalendar {
  /** Record it beside a due date: a later data release may move a holiday. */
  readonly calendarVersion = PRC_HOLIDAYS.version;

  coveredYears(): YearRange {
    return { ...PRC_HOLIDAYS.years };
  }

  isWorkingDay(date: CalendarDate): boolean {
    return isWorkingDay(PRC_HOLIDAYS, date);
  }

  /** The end (23:59:59.999 Shanghai) of the n-th working day after the Shanghai day of `t`. */
  addWorkingDays(t: Date, n: number): Date {
    return addWorkingDays(PRC_HOLIDAYS, t, n);
  }
}
