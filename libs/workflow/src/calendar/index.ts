export { WorkingDayCalendar, type WorkingDayCalendarOptions } from './working-day-calendar';
export {
  CALENDAR_RUNWAY_WARNING_DAYS,
  logCalendarRunway,
  workingDayCalendar,
} from './holiday-file';
export { CalendarRangeError, endOfShanghaiDay, shanghaiDateOf, TIME_ZONE } from './working-days';
export type {
  CalendarDate,
  CalendarRunway,
  HolidaySupplement,
  WorkingDayDeadline,
  YearRange,
} from './working-days';
