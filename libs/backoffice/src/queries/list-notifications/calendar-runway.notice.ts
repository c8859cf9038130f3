import type { Locale } from '@shiming/common';
import { CALENDAR_RUNWAY_WARNING_DAYS, type CalendarRunway } from '@shiming/workflow';
import { BACKOFFICE_MESSAGES } from '../../messages';

/** Supervisors are told, from 60 days before, that the holiday data runs out. */
export interface CalendarRunwayNotice {
  /** The same while the same data is loaded. */
  id: string;
  at: string;
  kind: 'calendar_runway';
  caseId: null;
  caseKind: null;
  message: string;
  calendar: CalendarRunway;
}

/**
 * The notice for this runway, or null while more than 60 days are left. Derived when
 * read, not stored: loading the next year's data (a redeploy) makes it go away.
 */
export function calendarRunwayNotice(
  runway: CalendarRunway,
  now: Date,
  locale: Locale,
): CalendarRunwayNotice | null {
  if (runway.daysLeft >= CALENDAR_RUNWAY_WARNING_DAYS) return null;
  const { lastCoveredDate, daysLeft } = runway;
  return {
    id: `calendar-runway:${runway.version}`,
    at: now.toISOString(),
    kind: 'calendar_runway',
    caseId: null,
    caseKind: null,
    // Worded when read, in the reader's language.
    message: BACKOFFICE_MESSAGES.format(locale, 'notification.calendar_runway', {
      lastCoveredDate,
      ended: daysLeft < 0 ? 'yes' : 'no',
      days: Math.abs(daysLeft),
    }),
    calendar: runway,
  };
}
