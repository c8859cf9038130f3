import type { FireOutcome } from './timer.types';

interface Arming {
  timerId: string;
  generation: number;
}

interface Waiting {
  arming: Arming;
  resolve(outcome: FireOutcome): void;
  reject(error: unknown): void;
}

type FireMany = (armings: readonly Arming[]) => Promise<PromiseSettledResult<FireOutcome>[]>;

/**
 * Groups wake-ups into batches for `TimerFirer.fireMany`, the way a database groups
 * commits: while `parallel` batches are in flight, new wake-ups wait and leave
 * together as the next batch. Under light load every wake-up goes out at once on its
 * own; when thousands come due together, each transaction fires many of them.
 */
export class TimerBatcher {
  private readonly waiting: Waiting[] = [];
  private inFlight = 0;
  private drainQueued = false;

  constructor(
    private readonly fireMany: FireMany,
    private readonly maxBatch: number,
    private readonly parallel: number,
  ) {}

  fire(timerId: string, generation: number): Promise<FireOutcome> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ arming: { timerId, generation }, resolve, reject });
      // One turn of the event loop lets wake-ups that arrive together leave together.
      if (!this.drainQueued) {
        this.drainQueued = true;
        setImmediate(() => {
          this.drainQueued = false;
          this.drain();
        });
      }
    });
  }

  private drain(): void {
    while (this.waiting.length > 0 && this.inFlight < this.parallel) {
      const batch = this.waiting.splice(0, this.maxBatch);
      this.inFlight++;
      this.fireMany(batch.map((w) => w.arming))
        .then(
          (results) =>
            results.forEach((result, i) =>
              result.status === 'fulfilled'
                ? batch[i].resolve(result.value)
                : batch[i].reject(result.reason),
            ),
          (error: unknown) => batch.forEach((w) => w.reject(error)),
        )
        .finally(() => {
          this.inFlight--;
          this.drain();
        });
    }
  }
}
