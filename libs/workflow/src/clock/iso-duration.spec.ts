import { InvalidDurationError, parseIsoDuration } from './iso-duration';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('parseIsoDuration', () => {
  it.each([
    ['P2D', 2 * DAY],
    ['PT3H', 3 * HOUR],
    ['PT30M', 30 * MINUTE],
    ['PT60S', 60 * SECOND],
    ['P1DT12H', DAY + 12 * HOUR],
    ['PT0.5S', 500],
    ['PT0,5S', 500],
    ['PT1.5H', 90 * MINUTE],
    ['P1W', 7 * DAY],
    ['P1W2D', 9 * DAY],
    ['P10D', 10 * DAY],
    ['P1DT2H3M4.25S', DAY + 2 * HOUR + 3 * MINUTE + 4250],
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseIsoDuration(text)).toBe(ms);
  });

  it.each(['P1Y', 'P1M', 'P1Y2D', 'P2M1DT3H'])(
    'refuses %s because years and months have no fixed length',
    (text) => {
      expect(() => parseIsoDuration(text)).toThrow(/years and months have no fixed length/);
    },
  );

  it('tells minutes apart from months by the T', () => {
    expect(parseIsoDuration('PT1M')).toBe(MINUTE);
    expect(() => parseIsoDuration('P1M')).toThrow(InvalidDurationError);
  });

  it.each(['-P1D', '+P1D', 'P-1D', '-PT5M'])('refuses the signed duration %s', (text) => {
    expect(() => parseIsoDuration(text)).toThrow(InvalidDurationError);
  });

  it.each(['', 'P', 'PT', 'P1DT', 'PT0S', 'P0D', 'PT0.0001S'])(
    'refuses the empty or zero-length duration %j',
    (text) => {
      expect(() => parseIsoDuration(text)).toThrow(InvalidDurationError);
    },
  );

  it.each([
    '2D',
    '2 days',
    'p2d',
    'P2d',
    ' P2D',
    'P2D ',
    'P2H',
    'PT2D',
    'P1D2W',
    'PT5S3M',
    'P1.5DT2H',
    'PT.5S',
    'PT5.S',
    'P1e3D',
    'P99999999999999999999D',
  ])('refuses the malformed duration %j', (text) => {
    expect(() => parseIsoDuration(text)).toThrow(InvalidDurationError);
  });

  it('reports a stable code and the text it refused', () => {
    const error = catchError(() => parseIsoDuration('P1M'));

    expect(error).toBeInstanceOf(InvalidDurationError);
    expect(error).toMatchObject({ code: 'invalid_duration', text: 'P1M' });
    expect((error as Error).message).toContain('"P1M"');
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
