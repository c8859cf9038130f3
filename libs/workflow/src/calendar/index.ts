export { WorkingDayCalendar } from './working-day-calendar';
export { CalendarRangeError, endOfShanghaiDay, shanghaiDateOf, TIME_ZONE } from './working-days';
export type { CalendarDate, YearRange } from './working-days';
