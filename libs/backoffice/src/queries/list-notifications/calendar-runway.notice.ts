import { CALENDAR_RUNWAY_WARNING_DAYS, type CalendarRunway } from '@shiming/workflow';

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
): CalendarRunwayNotice | null {
  if (runway.daysLeft >= CALENDAR_RUNWAY_WARNING_DAYS) return null;
  const { lastCoveredDate, daysLeft } = runway;
  const left = daysLeft >= 0 ? `${daysLeft} days left` : `${-daysLeft} days ago`;
  return {
    id: `calendar-runway:${runway.version}`,
    at: now.toISOString(),
    kind: 'calendar_runway',
    caseId: null,
    caseKind: null,
    message:
      `The official holiday data ends ${lastCoveredDate} (${left}): appeal due times past it ` +
      'are provisional until the next year is loaded (HOLIDAYS_FILE or a newer calendar package).',
    calendar: runway,
  };
}
