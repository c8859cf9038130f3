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

  async onApplicationBootstrap(): Promise<void> {
    this.registry.close();
    if (!this.options.runSubscriptions) return;
    await this.assertTransactionIdsFromThisCluster();
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

  /**
   * Positions are ordered by transaction id. A database restored from a logical dump
   * (or moved by logical replication) restarts its transaction ids below the stored
   * ones, and every new event would sort before the checkpoints: subscribers would
   * silently see nothing. Refuse to run rather than lose events.
   */
  private async assertTransactionIdsFromThisCluster(): Promise<void> {
    const [row]: { stored: string | null; next: string }[] = await this.dataSource.query(
      `SELECT greatest((SELECT max(transaction_id) FROM es_events),
                       (SELECT max(transaction_id) FROM es_checkpoints))::text AS stored,
              pg_snapshot_xmax(pg_current_snapshot())::text AS next`,
    );
    if (row.stored !== null && BigInt(row.stored) >= BigInt(row.next)) {
      throw new Error(
        `Stored transaction ids (up to ${row.stored}) are ahead of this database's ` +
          `(${row.next}): it was restored from a logical dump or moved by logical replication. ` +
          `Subscriptions would miss new events; they are not started.`,
      );
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
