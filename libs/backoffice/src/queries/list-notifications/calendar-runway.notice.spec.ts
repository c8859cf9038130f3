import { calendarRunwayNotice } from './calendar-runway.notice';

describe('calendarRunwayNotice', () => {
  const now = new Date('2026-11-02T02:00:00.000Z');
  const runway = (daysLeft: number) => ({
    version: 'chinese-days@1.5.7',
    lastCoveredDate: '2026-12-31',
    daysLeft,
  });

  it('says nothing while 60 days or more are left', () => {
    expect(calendarRunwayNotice(runway(60), now)).toBeNull();
    expect(calendarRunwayNotice(runway(400), now)).toBeNull();
  });

  it('tells supervisors from 59 days before the data ends, with a stable id', () => {
    expect(calendarRunwayNotice(runway(59), now)).toEqual({
      id: 'calendar-runway:chinese-days@1.5.7',
      at: now.toISOString(),
      kind: 'calendar_runway',
      caseId: null,
      caseKind: null,
      message: expect.stringContaining('ends 2026-12-31 (59 days left)'),
      calendar: runway(59),
    });
  });

  it('keeps telling them after the data ended', () => {
    expect(calendarRunwayNotice(runway(-3), now)?.message).toContain('(3 days ago)');
  });
});
