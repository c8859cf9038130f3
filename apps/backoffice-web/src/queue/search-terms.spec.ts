import { beijingDayStart, detectSearchBy } from './search-terms';

describe('search terms', () => {
  it('recognises a case id, an ID number, a mobile, else an account id', () => {
    expect(detectSearchBy('6b0c2a4e-1f1d-4c55-9b1e-3f0f6e2d8a11')).toBe('caseId');
    expect(detectSearchBy('11010119900307123x')).toBe('idNumber');
    expect(detectSearchBy(' 110101 19900307 123X ')).toBe('idNumber');
    expect(detectSearchBy('13800138000')).toBe('mobile');
    expect(detectSearchBy('+86 138-0013-8000')).toBe('mobile');
    expect(detectSearchBy('acct-1001')).toBe('accountId');
    expect(detectSearchBy('12345')).toBe('accountId');
  });

  it('turns a day into the instant it starts in Beijing time', () => {
    expect(beijingDayStart('2026-12-09')).toBe('2026-12-08T16:00:00.000Z');
    // The "to" day is included: its range ends when the next day starts.
    expect(beijingDayStart('2026-12-09', 1)).toBe('2026-12-09T16:00:00.000Z');
    expect(beijingDayStart('yesterday')).toBeUndefined();
  });
});
