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
import { LogNotifications } from './log-notifications';
import { SubscriptionHub } from './subscription-hub';
import { SubscriptionRegistry } from './subscription-registry';

/**
 * Feeds the registered projections from a hub where subscriptions run, and tells
 * other processes about this process's appends (LISTEN/NOTIFY) so that their hubs
 * read at once instead of at their next poll.
 */
@Injectable()
export class SubscriptionsHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SubscriptionsHost.name);
  private hubs: SubscriptionHub[] = [];
  private notifications?: LogNotifications;
  private unsubscribe?: () => void;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly registry: SubscriptionRegistry,
    @Inject(EVENT_STORE_OPTIONS) private readonly options: ResolvedEventStoreOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.registry.close();
    const projections = this.registry.all();
    const runHere = this.options.runSubscriptions && projections.length > 0;
    if (runHere) await this.assertTransactionIdsFromThisCluster();
    const notifications = new LogNotifications(this.dataSource);
    this.notifications = notifications;
    if (!runHere) {
      this.unsubscribe = this.store.onAppended((position) =>
        notifications.notifyAppended(position),
      );
      return;
    }
    // Subscribers that wait on outside parties get a hub (a transaction) of their own,
    // so that a slow party holds back none of the others.
    const lanes = [
      projections.filter((p) => !p.waitsOnOutsideParties),
      projections.filter((p) => p.waitsOnOutsideParties),
    ].filter((lane) => lane.length > 0);
    const hubs = lanes.map(
      (lane) =>
        new SubscriptionHub(this.dataSource, this.store, lane, {
          batchSize: this.options.batchSize,
          idlePollMs: this.options.idlePollMs,
          maxIdlePollMs: this.options.maxIdlePollMs,
          batchGapMs: this.options.batchGapMs,
          retryDelayMs: this.options.retryDelayMs,
          maxRetryDelayMs: this.options.maxRetryDelayMs,
        }),
    );
    this.hubs = hubs;
    this.unsubscribe = this.store.onAppended((position) => {
      for (const hub of hubs) hub.appended(position);
      // Another process runs some subscription: it needs the hint too.
      if (!hubs.every((hub) => hub.runsAll)) notifications.notifyAppended(position);
    });
    notifications.listen(
      (position) => hubs.forEach((hub) => hub.appended(position)),
      (up) => hubs.forEach((hub) => hub.setNotificationsReliable(up)),
    );
    for (const hub of hubs) hub.start();
    this.logger.log(`Running subscriptions: ${hubs.map((hub) => hub.names.join(', ')).join('; ')}`);
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

  // Before the data source closes (on application shutdown), so a batch in flight can commit.
  async beforeApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    await Promise.all(this.hubs.map((hub) => hub.stop()));
    await this.notifications?.close();
  }

  /** Whether this process runs the named subscription. */
  runs(name: string): boolean {
    return this.hubs.some((hub) => hub.running && hub.names.includes(name));
  }
}
