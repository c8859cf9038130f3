import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { IdempotencyStore } from './idempotency.store';

/** How often expired keys are deleted; a key lives `IDEMPOTENCY_KEY_TTL_MS` (a day) anyway. */
export const IDEMPOTENCY_SWEEP_INTERVAL_MS = 10 * 60_000;

/**
 * Deletes expired `Idempotency-Key` answers in the background, in the processes that
 * run workers: what a request stored (its fingerprint, its answer) is kept no longer
 * than a retry could need it.
 */
@Injectable()
export class IdempotencySweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(IdempotencySweeper.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly store: IdempotencyStore) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), IDEMPOTENCY_SWEEP_INTERVAL_MS);
    this.timer.unref();
    void this.sweep();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Deletes every expired key, in batches; returns how many. */
  sweep(): Promise<void> {
    this.running ??= this.deleteAll().finally(() => (this.running = undefined));
    return this.running;
  }

  private async deleteAll(): Promise<void> {
    const batch = 1000;
    try {
      let deleted = 0;
      for (let last = batch; last === batch; deleted += last) {
        last = await this.store.deleteExpired(batch);
      }
      if (deleted > 0) this.logger.log(`Deleted ${deleted} expired idempotency keys`);
    } catch (error) {
      this.logger.warn(`Idempotency sweep failed; the next one tries again: ${String(error)}`);
    }
  }
}
