import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { EventStore } from '../event-store';
import { EVENT_STORE_OPTIONS, ResolvedEventStoreOptions } from '../event-store.options';
import { rebuildProjection, RebuildResult } from './rebuild-projection';
import { RebuildProjectionCommand } from './rebuild-projection.command';
import { SubscriptionRegistry } from './subscription-registry';

@CommandHandler(RebuildProjectionCommand)
export class RebuildProjectionHandler implements ICommandHandler<RebuildProjectionCommand> {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly registry: SubscriptionRegistry,
    @Inject(EVENT_STORE_OPTIONS) private readonly options: ResolvedEventStoreOptions,
  ) {}

  async execute(command: RebuildProjectionCommand): Promise<RebuildResult> {
    return rebuildProjection(
      this.dataSource,
      this.store,
      this.registry.get(command.projectionName),
      { batchSize: this.options.batchSize },
    );
  }
}
