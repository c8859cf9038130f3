import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { EventStore } from '../event-store';
import { EVENT_STORE_OPTIONS, ResolvedEventStoreOptions } from '../event-store.options';
import { SubscriptionRegistry } from './subscription-registry';
import { SubscriptionRunner } from './subscription-runner';

/** Starts a runner per registered projection where enabled, and stops them on shutdown. */
@Injectable()
export class SubscriptionsHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SubscriptionsHost.name);
  private readonly runners = new Map<string, SubscriptionRunner>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly registry: SubscriptionRegistry,
    @Inject(EVENT_STORE_OPTIONS) private readonly options: ResolvedEventStoreOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.registry.close();
    if (!this.options.runSubscriptions) return;
    for (const projection of this.registry.all()) {
      const runner = new SubscriptionRunner(this.dataSource, this.store, projection, {
        batchSize: this.options.batchSize,
        idlePollMs: this.options.idlePollMs,
        retryDelayMs: this.options.retryDelayMs,
        maxRetryDelayMs: this.options.maxRetryDelayMs,
      });
      this.runners.set(projection.name, runner);
      runner.start();
    }
    if (this.runners.size > 0) {
      this.logger.log(`Running subscriptions: ${[...this.runners.keys()].join(', ')}`);
    }
  }

  // Before the data source closes (on application shutdown), so batches in flight can commit.
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.runners.values()].map((runner) => runner.stop()));
  }

  /** The runner of a projection in this process, if subscriptions run here. */
  runner(name: string): SubscriptionRunner | undefined {
    return this.runners.get(name);
  }
}
