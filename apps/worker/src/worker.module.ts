import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module, Provider } from '@nestjs/common';
import {
  APP_CONFIG,
  AppConfig,
  ConfigModule,
  DatabaseModule,
  LoggingModule,
} from '@shiming/common';
import { engineMigrations } from '@shiming/workflow';
import { redisConnectionOptions } from './redis-connection';

/** BullMQ processors: timers, outbound integrations. */
export const processors: Provider[] = [];

/** Subscriptions to the event log: projections and process managers. */
export const subscriptions: Provider[] = [];

/**
 * The background side: queues, processors and subscriptions. Imported as is by an
 * api started with `--with-worker`, which already has configuration, logging and
 * database; `forRoot` adds those for the worker as a process of its own.
 */
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        connection: redisConnectionOptions(config.redisUrl),
        prefix: config.queuePrefix,
      }),
    }),
  ],
  providers: [...processors, ...subscriptions],
})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(config),
        DatabaseModule.forRoot({ migrations: engineMigrations, applicationName: 'shiming-worker' }),
      ],
    };
  }
}
