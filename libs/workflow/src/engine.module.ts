import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { getDataSourceToken } from '@nestjs/typeorm';
import { BullMQOtel } from 'bullmq-otel';
import { DataSource } from 'typeorm';
import { AppConfig, Metrics, redisConnectionOptions } from '@shiming/common';
import { EVENT_STORE_CLOCK, EventStore, EventStoreModule } from '@shiming/event-store';
import { logCalendarRunway, WorkingDayCalendar, workingDayCalendar } from './calendar';
import { CLOCK, type Clock } from './clock';
import { CommandRunner } from './command';
import { ID_GENERATOR, RandomIdGenerator } from './ids';
import { EngineGauges } from './metrics/engine-gauges';
import { TimersModule } from './timers';

export interface EngineOptions {
  /** Run subscriptions, the timers' wake-ups and the reconciler in this process. */
  runWorkers: boolean;
}

/**
 * The engine every bounded context builds on: the event store and its subscriptions,
 * durable timers (woken by BullMQ when there is Redis, by PostgreSQL alone otherwise),
 * the command runner, the clock (a test clock in the sandbox), new ids and the PRC
 * working-day calendar. Needs the TypeORM DataSource.
 */
@Module({})
export class EngineModule {
  static forRoot(config: AppConfig, options: EngineOptions): DynamicModule {
    const bullmq = config.redisUrl
      ? [
          BullModule.forRoot({
            connection: redisConnectionOptions(config.redisUrl),
            prefix: config.queuePrefix,
            // BullMQ's own tracing: a job's span follows the one that added it, across Redis.
            ...(config.tracing.enabled ? { telemetry: new BullMQOtel('shiming') } : {}),
          }),
        ]
      : [];
    return {
      module: EngineModule,
      global: true,
      imports: [
        CqrsModule.forRoot(),
        ...bullmq,
        EventStoreModule.forRoot({
          runSubscriptions: options.runWorkers,
          batchSize: config.subscriptions.batchSize,
          idlePollMs: config.subscriptions.idlePollMs,
          maxIdlePollMs: config.subscriptions.maxIdlePollMs,
          batchGapMs: config.subscriptions.batchGapMs,
        }),
        TimersModule.forRoot({
          runWorkers: options.runWorkers,
          wakeUp: config.redisUrl ? 'bullmq' : 'postgres',
          sandbox: config.sandbox,
          lookaheadMs: config.timers.lookaheadMs,
          reconcileIntervalMs: config.timers.reconcileIntervalMs,
          concurrency: config.timers.concurrency,
          fireBatchSize: config.timers.fireBatchSize,
          fireParallelBatches: config.timers.fireParallelBatches,
          pollMaxIdleMs: config.timers.pollMaxIdleMs,
          backstopGraceMs: config.timers.backstopGraceMs,
        }),
      ],
      providers: [
        // Events are stamped by the same clock that fires timers (the test clock in the sandbox).
        { provide: EVENT_STORE_CLOCK, useExisting: CLOCK },
        {
          provide: CommandRunner,
          inject: [getDataSourceToken(), EventStore, { token: Metrics, optional: true }],
          useFactory: (dataSource: DataSource, store: EventStore, metrics?: Metrics) =>
            new CommandRunner(dataSource, store, config.commands.maxRetries, metrics, {
              size: config.commands.stateCacheSize,
              ttlMs: config.commands.stateCacheTtlMs,
            }),
        },
        {
          provide: WorkingDayCalendar,
          inject: [CLOCK],
          useFactory: (clock: Clock) => {
            const calendar = workingDayCalendar(
              config.holidaysFile,
              { provisionalDeadlines: config.provisionalDeadlines },
              clock,
            );
            logCalendarRunway(calendar);
            return calendar;
          },
        },
        { provide: ID_GENERATOR, useClass: RandomIdGenerator },
        EngineGauges,
      ],
      exports: [EVENT_STORE_CLOCK, CommandRunner, WorkingDayCalendar, ID_GENERATOR, ...bullmq],
    };
  }
}
