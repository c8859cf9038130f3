import { calendarRunwayNotice } from './calendar-runway.notice';

describe('calendarRunwayNotice', () => {
  const now = new Date('2026-11-02T02:00:00.000Z');
  const runway = (daysLeft: number) => ({
    version: 'chinese-days@1.5.7',
    lastCoveredDate: '2026-12-31',
    daysLeft,
  });

  it('words the notice in the reader’s language', () => {
    expect(calendarRunwayNotice(runway(59), now, 'zh-CN')?.message).toBe(
      '官方节假日数据截至 2026-12-31（还剩 59 天）：此后的申诉截止时间为暂定，待载入下一年数据（HOLIDAYS_FILE 或更新的日历包）后重新计算。',
    );
  });

  it('says nothing while 60 days or more are left', () => {
    expect(calendarRunwayNotice(runway(60), now, 'en')).toBeNull();
    expect(calendarRunwayNotice(runway(400), now, 'en')).toBeNull();
  });

  it('tells supervisors from 59 days before the data ends, with a stable id', () => {
    expect(calendarRunwayNotice(runway(59), now, 'en')).toEqual({
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
    expect(calendarRunwayNotice(runway(-3), now, 'en')?.message).toContain('(3 days ago)');
    expect(calendarRunwayNotice(runway(-3), now, 'zh-CN')?.message).toContain('（已过 3 天）');
  });
});
