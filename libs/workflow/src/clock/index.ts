export { CLOCK, SystemClock } from './clock';
export type { Clock } from './clock';
export { InvalidDurationError, parseIsoDuration } from './iso-duration';
