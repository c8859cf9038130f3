// Instants are ISO 8601 strings given by the caller's clock. These helpers only read
// them; nothing here asks what time it is now.

/** Milliseconds since the epoch of an ISO instant; throws on anything else. */
export function toMillis(instant: string): number {
  const millis = Date.parse(instant);
  if (typeof instant !== 'string' || Number.isNaN(millis)) {
    throw new TypeError(`Expected an ISO 8601 instant, got ${JSON.stringify(instant)}`);
  }
  return millis;
}

/** The instant `ms` milliseconds after `instant`, as an ISO string in UTC. */
export function addMillis(instant: string, ms: number): string {
  return new Date(toMillis(instant) + ms).toISOString();
}

/** True when `instant` is at or after `deadline`. */
export function isAtOrAfter(instant: string, deadline: string): boolean {
  return toMillis(instant) >= toMillis(deadline);
}

/** Whole seconds from `from` until `to`, rounded up; 0 when `to` has passed. */
export function secondsUntil(from: string, to: string): number {
  return Math.max(0, Math.ceil((toMillis(to) - toMillis(from)) / 1000));
}
