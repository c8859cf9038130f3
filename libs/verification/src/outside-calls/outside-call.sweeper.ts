import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@shiming/common';
import { SubscriptionsHost } from '@shiming/event-store';
import { OutsideCallsRepository } from '../infrastructure/outside-calls.repository';
import { OutsideCallsProcessManager } from '../reactions/outside-calls.process-manager';
import { OutsideCallRunner } from './outside-call.runner';

/** Most calls one sweep makes; the next sweep takes the rest. */
const SWEEP_BATCH = 100;

/**
 * Makes the outside calls that nobody is making: those whose maker's lease lapsed
 * without an outcome (an api that died during the call) and those given back after a
 * failure once the process manager had passed them. It runs where the process manager
 * runs (the processes with workers); the runner's lease keeps every call to one maker
 * at a time, however many sweepers, requests and process managers race for it, and its
 * attempt count gives a call up after its last failure as on any other path.
 */
@Injectable()
export class OutsideCallSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutsideCallSweeper.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly intervalMs: number;

  constructor(
    private readonly calls: OutsideCallsRepository,
    private readonly runner: OutsideCallRunner,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly subscriptions: SubscriptionsHost,
  ) {
    this.intervalMs = config.outsideCalls.sweepIntervalMs;
  }

  onApplicationBootstrap(): void {
    // Asked at each tick: the hubs start in the same bootstrap, perhaps after this.
    this.timer = setInterval(() => {
      if (this.subscriptions.runs(OutsideCallsProcessManager.NAME)) void this.sweep();
    }, this.intervalMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /**
   * Makes the calls nobody is making, one at a time. A call given back or never claimed
   * is left alone until it has been open one interval, so that the request that opened
   * it makes it.
   */
  sweep(): Promise<void> {
    this.running ??= this.makeUnattended().finally(() => (this.running = undefined));
    return this.running;
  }

  private async makeUnattended(): Promise<void> {
    try {
      for (const callId of await this.calls.unattended(this.intervalMs, SWEEP_BATCH)) {
        try {
          // Taken by another maker since the read: theirs to finish ('pending').
          await this.runner.run(callId, 0);
        } catch (error) {
          // Given back by the runner: the next sweep tries again, up to its last attempt.
          this.logger.warn(`Outside call ${callId} failed again: ${describe(error)}`);
        }
      }
    } catch (error) {
      this.logger.warn(`Outside-call sweep failed; the next one tries again: ${describe(error)}`);
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
