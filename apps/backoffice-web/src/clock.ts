import { useEffect, useState } from 'react';

// Due times are in the server's time, and the sandbox's test clock may run ahead of
// the wall clock by days. Its offset is read from the sandbox; elsewhere it is 0.
let offsetMs = 0;
let sandboxClock: boolean | null = null;

export function serverNow(): number {
  return Date.now() + offsetMs;
}

/** Re-reads the sandbox clock's offset; once it answers 404, the sandbox is off. */
export async function syncClock(): Promise<void> {
  if (sandboxClock === false) return;
  try {
    const response = await fetch('/v1/sandbox/clock', { headers: { Accept: 'application/json' } });
    if (response.status === 404) {
      sandboxClock = false;
      offsetMs = 0;
      return;
    }
    if (!response.ok) return;
    const body = (await response.json()) as { offsetMs?: unknown };
    if (typeof body.offsetMs === 'number') {
      offsetMs = body.offsetMs;
      sandboxClock = true;
    }
  } catch {
    // Keep the last offset: a countdown slightly off beats none.
  }
}

/** The server's time, re-rendered every `everyMs`. */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(serverNow);
  useEffect(() => {
    const timer = window.setInterval(() => setNow(serverNow()), everyMs);
    return () => window.clearInterval(timer);
  }, [everyMs]);
  return now;
}
