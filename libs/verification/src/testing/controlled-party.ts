/**
 * An outside party, as the sandbox simulates it, that a spec can make fail a number of
 * times or hold mid-call: it counts the calls that reach it. A spec wraps a sandbox
 * adapter with it and replaces the port's provider, as a journey does with a flaky party.
 */
export class ControlledParty {
  /** Calls that reached the party, the failed and held ones included. */
  calls = 0;
  /** The next calls that fail as a dropped connection would. */
  failures = 0;
  private held: Promise<void> | null = null;
  private letGo: (() => void) | null = null;

  /** Calls from now on wait in the party until `release`. */
  hold(): void {
    this.held ??= new Promise((resolve) => (this.letGo = resolve));
  }

  release(): void {
    this.letGo?.();
    this.held = null;
    this.letGo = null;
  }

  async call<T>(work: () => Promise<T>): Promise<T> {
    this.calls++;
    if (this.held) await this.held;
    if (this.failures > 0) {
      this.failures--;
      throw new Error('connection reset by the outside party');
    }
    return work();
  }

  /** Resolves once `count` calls in all have reached the party. */
  async reached(count: number, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.calls < count) {
      if (Date.now() > deadline) {
        throw new Error(`${count} call(s) expected at the party, ${this.calls} came`);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}
