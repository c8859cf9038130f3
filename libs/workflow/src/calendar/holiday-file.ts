import { readFileSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import { WorkingDayCalendar } from './working-day-calendar';
import { PRC_HOLIDAYS, supplementedTable, type HolidaySupplement } from './working-days';

/**
 * The calendar of the package's data, with the years of the operator's holiday file
 * (`HOLIDAYS_FILE`) when there is one. A file that cannot be read or does not hold a
 * valid supplement stops the boot with a message that names it.
 */
export function workingDayCalendar(file: string | null | undefined): WorkingDayCalendar {
  if (!file) return new WorkingDayCalendar(PRC_HOLIDAYS);
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
    return new WorkingDayCalendar(table);
  } catch (error) {
    throw new Error(
      `HOLIDAYS_FILE (${file}): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
