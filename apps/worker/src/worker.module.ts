import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule, DatabaseModule, LoggingModule } from '@shiming/common';
import { EngineModule, engineMigrations } from '@shiming/workflow';

/**
 * The background process: subscriptions (projections, process managers), the timer
 * processor and its reconciler, over the same libraries as the api but without HTTP.
 */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(config),
        DatabaseModule.forRoot({ migrations: engineMigrations, applicationName: 'shiming-worker' }),
        EngineModule.forRoot(config, { runWorkers: true }),
      ],
    };
  }
}
