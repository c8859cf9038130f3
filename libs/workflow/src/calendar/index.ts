export { WorkingDayCalendar } from './working-day-calendar';
export { workingDayCalendar } from './holiday-file';
export { CalendarRangeError, endOfShanghaiDay, shanghaiDateOf, TIME_ZONE } from './working-days';
export type { CalendarDate, HolidaySupplement, YearRange } from './working-days';
