/**
 * An outside party, as the sandbox simulates it, that a spec can make fail a number of
 * times or hold mid-call: it counts the calls that reach it. A spec wraps a sandbox
 * adapter with it and replaces the port's provider, as a journey does with a flaky party.
 */
export class ControlledParty {
  /** Calls that reached the party, the failed and held ones included. */
  calls = 0;
  /** The next calls to arrive fail (once let go, if held) as a dropped connection would. */
  failures = 0;
  private holding = false;
  private readonly waiting: (() => void)[] = [];

  /** Calls from now on wait in the party until let go. */
  hold(): void {
    this.holding = true;
  }

  /** Lets every waiting call go, and stops holding. */
  release(): void {
    this.holding = false;
    for (const letGo of this.waiting.splice(0)) letGo();
  }

  /** Lets every call go and forgets the failures to come and the count: between tests. */
  reset(): void {
    this.release();
    this.failures = 0;
    this.calls = 0;
  }

  /** Lets the call that has waited longest go; the party keeps holding the others. */
  letOneGo(): void {
    this.waiting.shift()?.();
  }

  async call<T>(work: () => Promise<T>): Promise<T> {
    this.calls++;
    const fails = this.failures > 0;
    if (fails) this.failures--;
    if (this.holding) await new Promise<void>((resolve) => this.waiting.push(resolve));
    if (fails) throw new Error('connection reset by the outside party');
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
