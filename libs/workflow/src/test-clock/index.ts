export { TestClock, TestClockAdvanceError } from './test-clock';
export type { DueTimerFiring, TestClockOptions } from './test-clock';
