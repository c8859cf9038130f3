import { readFileSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import type { Clock } from '../clock';
import { WorkingDayCalendar, type WorkingDayCalendarOptions } from './working-day-calendar';
import { PRC_HOLIDAYS, supplementedTable, type HolidaySupplement } from './working-days';

/**
 * The calendar of the package's data, with the years of the operator's holiday file
 * (`HOLIDAYS_FILE`) when there is one. A file that cannot be read or does not hold a
 * valid supplement stops the boot with a message that names it.
 */
export function workingDayCalendar(
  file: string | null | undefined,
  options?: WorkingDayCalendarOptions,
  clock?: Clock,
): WorkingDayCalendar {
  if (!file) return new WorkingDayCalendar(PRC_HOLIDAYS, options, clock);
  try {
    const supplement = JSON.parse(readFileSync(file, 'utf8')) as HolidaySupplement;
    const { table, ignored } = supplementedTable(PRC_HOLIDAYS, supplement);
    const logger = new Logger('WorkingDayCalendar');
    if (ignored.length > 0) {
      logger.warn(
        `HOLIDAYS_FILE: ${ignored.join(', ')} already in ${PRC_HOLIDAYS.version}, which wins; ` +
          'those years can go from the file',
      );
    }
    logger.log(`Working days from ${table.version}, ${table.years.from}–${table.years.to}`);
    return new WorkingDayCalendar(table, options, clock);
  } catch (error) {
    throw new Error(
      `HOLIDAYS_FILE (${file}): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Below this many days left, the boot log warns and supervisors get a notice. */
export const CALENDAR_RUNWAY_WARNING_DAYS = 60;

/** Says at boot how far the calendar's data reaches; a warning when it ends soon. */
export function logCalendarRunway(calendar: WorkingDayCalendar): void {
  const logger = new Logger('WorkingDayCalendar');
  const { version, lastCoveredDate, daysLeft } = calendar.calendarRunway();
  const line = `Working-day data (${version}) ends ${lastCoveredDate}: ${daysLeft} days left`;
  if (daysLeft >= CALENDAR_RUNWAY_WARNING_DAYS) {
    logger.log(line);
    return;
  }
  logger.warn(
    `${line}; deadlines past it are ${
      calendar.provisionalDeadlines ? 'provisional (weekday rule)' : 'refused (503)'
    } until HOLIDAYS_FILE or a newer calendar package adds the next year`,
  );
}
