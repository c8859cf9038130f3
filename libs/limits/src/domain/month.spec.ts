import { isMonth, monthEnd, monthOf, monthStart } from './month';

describe('monthOf (calendar month in Asia/Shanghai)', () => {
  it.each([
    ['2026-11-30T15:59:59.999Z', '2026-11'],
    // 00:30 on 1 December in Shanghai
    ['2026-11-30T16:30:00.000Z', '2026-12'],
    ['2026-11-30T16:00:00.000Z', '2026-12'],
    ['2026-12-31T15:59:59.999Z', '2026-12'],
    ['2026-12-31T16:00:00.000Z', '2027-01'],
    ['2026-10-31T16:00:00.000Z', '2026-11'],
    ['2028-02-28T16:00:00.000Z', '2028-02'],
    ['2028-02-29T16:00:00.000Z', '2028-03'],
    ['2026-11-01T00:00:00.000Z', '2026-11'],
  ])('puts %s in %s', (instant, month) => {
    expect(monthOf(new Date(instant))).toBe(month);
  });

  it('refuses an invalid date', () => {
    expect(() => monthOf(new Date('nope'))).toThrow(RangeError);
  });
});

describe('month boundaries', () => {
  it('starts a month at midnight of its first day in Shanghai', () => {
    expect(monthStart('2026-12').toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(monthStart('2027-01').toISOString()).toBe('2026-12-31T16:00:00.000Z');
  });

  it('ends a month where the next one starts, December included', () => {
    expect(monthEnd('2026-11').toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(monthEnd('2026-12').toISOString()).toBe('2026-12-31T16:00:00.000Z');
    expect(monthEnd('2028-02').toISOString()).toBe('2028-02-29T16:00:00.000Z');
  });

  it('agrees with monthOf on both sides of every boundary of a year', () => {
    for (let m = 1; m <= 12; m++) {
      const month = `2026-${String(m).padStart(2, '0')}`;
      expect(monthOf(monthStart(month))).toBe(month);
      expect(monthOf(new Date(monthEnd(month).getTime() - 1))).toBe(month);
      expect(monthOf(monthEnd(month))).not.toBe(month);
    }
  });

  it('knows what a month looks like', () => {
    expect(isMonth('2026-11')).toBe(true);
    expect(isMonth('2026-13')).toBe(false);
    expect(isMonth('2026-1')).toBe(false);
    expect(() => monthStart('2026-00')).toThrow(RangeError);
  });
});
