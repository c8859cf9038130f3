export class InvalidDurationError extends Error {
  readonly code = 'invalid_duration';
  readonly status = 422;

  constructor(
    readonly text: string,
    reason: string,
  ) {
    super(`Invalid duration ${JSON.stringify(text)}: ${reason}`);
    this.name = 'InvalidDurationError';
  }
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
// A duration's day is 24 hours, not a calendar day; working days belong to the calendar.
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

const number = String.raw`(\d+(?:[.,]\d+)?)`;
const PATTERN = new RegExp(
  `^P(?:${number}W)?(?:${number}D)?(?:T(?:${number}H)?(?:${number}M)?(?:${number}S)?)?$`,
);
// In the order of the capture groups of PATTERN.
const UNITS = [WEEK, DAY, HOUR, MINUTE, SECOND];

/**
 * Milliseconds in an ISO 8601 duration such as `P2D`, `PT3H`, `PT30M`, `P1DT12H`, `PT0.5S` or
 * `P1W`. Years and months are refused: their length depends on where they start.
 */
export function parseIsoDuration(text: string): number {
  if (/^[-+]/.test(text)) {
    throw new InvalidDurationError(text, 'a duration cannot be signed or negative');
  }
  const datePart = text.startsWith('P') ? text.slice(1).split('T')[0] : '';
  if (/[YM]/.test(datePart)) {
    throw new InvalidDurationError(
      text,
      'years and months have no fixed length; use weeks, days, hours, minutes or seconds',
    );
  }
  const match = PATTERN.exec(text);
  if (!match) {
    throw new InvalidDurationError(
      text,
      'expected an ISO 8601 duration such as P2D, PT3H or PT30M',
    );
  }
  const values = match.slice(1);
  const present = values.flatMap((value, i) => (value === undefined ? [] : [i]));
  if (present.length === 0 || text.endsWith('T')) {
    throw new InvalidDurationError(text, 'no amount given');
  }
  // ISO 8601 allows a decimal fraction on the smallest unit written only.
  if (present.slice(0, -1).some((i) => /[.,]/.test(values[i]))) {
    throw new InvalidDurationError(text, 'only the last component may have a fraction');
  }
  const ms = Math.round(
    present.reduce((sum, i) => sum + Number(values[i].replace(',', '.')) * UNITS[i], 0),
  );
  if (ms === 0) {
    throw new InvalidDurationError(text, 'a duration must be longer than zero');
  }
  if (!Number.isSafeInteger(ms)) {
    throw new InvalidDurationError(text, 'too long');
  }
  return ms;
}
