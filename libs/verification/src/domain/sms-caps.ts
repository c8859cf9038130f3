import { SmsSendLimitError } from './verification.errors';
import { secondsUntil, toMillis } from './verification.time';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

export interface SmsCaps {
  perHour: number;
  perDay: number;
}

/**
 * Why one more SMS code may not be sent at `at`, when the codes already sent (`sentAt`,
 * instants, oldest first) fill a cap of the hour or of the day; undefined when it may.
 * The refusal says when the next code may go: as the oldest counted leaves its window.
 */
export function smsCapRefusal(
  sentAt: readonly string[],
  at: string,
  caps: SmsCaps,
): SmsSendLimitError | undefined {
  for (const [window, spanMs, max] of [
    ['hour', HOUR_MS, caps.perHour],
    ['day', DAY_MS, caps.perDay],
  ] as const) {
    const recent = sentAt.filter((sent) => toMillis(at) - toMillis(sent) < spanMs);
    if (recent.length >= max) {
      const freeAt = new Date(toMillis(recent[recent.length - max]) + spanMs).toISOString();
      return new SmsSendLimitError(window, secondsUntil(at, freeAt));
    }
  }
  return undefined;
}
