import { DynamicModule, FactoryProvider, Module, ModuleMetadata, Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { EventStore, StoreClock } from './event-store';
import {
  EVENT_STORE_CLOCK,
  EVENT_STORE_OPTIONS,
  EventStoreModuleOptions,
  resolveEventStoreOptions,
} from './event-store.options';
import { EventTypeRegistry } from './event-type-registry';
import { ReadYourWrites } from './subscriptions/read-your-writes';
import { RebuildProjectionHandler } from './subscriptions/rebuild-projection.handler';
import { SubscriptionRegistry } from './subscriptions/subscription-registry';
import { SubscriptionsHost } from './subscriptions/subscriptions.host';

export interface EventStoreModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  inject?: FactoryProvider['inject'];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- matches Nest's own factory signature
  useFactory: (...args: any[]) => EventStoreModuleOptions | Promise<EventStoreModuleOptions>;
}

const systemClock: StoreClock = { now: () => new Date() };

const providers: Provider[] = [
  // One registry for the whole application: every module adds its event types to it.
  { provide: EventTypeRegistry, useFactory: () => new EventTypeRegistry() },
  {
    provide: EventStore,
    inject: [getDataSourceToken(), EventTypeRegistry, { token: EVENT_STORE_CLOCK, optional: true }],
    useFactory: (dataSource: DataSource, registry: EventTypeRegistry, clock?: StoreClock) =>
      new EventStore(dataSource, registry, clock ?? systemClock),
  },
  SubscriptionRegistry,
  SubscriptionsHost,
  ReadYourWrites,
  // Found by CqrsModule, which the application imports.
  RebuildProjectionHandler,
];

const exported = [
  EventTypeRegistry,
  EventStore,
  SubscriptionRegistry,
  SubscriptionsHost,
  ReadYourWrites,
];

/**
 * The event store, its type registry, and the subscriptions of this application.
 * Global: every bounded context appends, registers event types and projections.
 * Needs TypeORM's DataSource and, for the rebuild command, `CqrsModule.forRoot()`.
 * To use a test clock, provide `EVENT_STORE_CLOCK` from a global module.
 */
@Module({})
export class EventStoreModule {
  static forRoot(options: EventStoreModuleOptions): DynamicModule {
    return {
      module: EventStoreModule,
      global: true,
      providers: [
        { provide: EVENT_STORE_OPTIONS, useValue: resolveEventStoreOptions(options) },
        ...providers,
      ],
      exports: exported,
    };
  }

  /** Options from other providers, e.g. `AppConfig.subscriptions`. */
  static forRootAsync(options: EventStoreModuleAsyncOptions): DynamicModule {
    return {
      module: EventStoreModule,
      global: true,
      imports: options.imports ?? [],
      providers: [
        {
          provide: EVENT_STORE_OPTIONS,
          inject: options.inject ?? [],
          useFactory: async (...args: unknown[]) =>
            resolveEventStoreOptions(await options.useFactory(...args)),
        },
        ...providers,
      ],
      exports: exported,
    };
  }
}
