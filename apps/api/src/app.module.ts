import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule, DatabaseModule, LoggingModule } from '@shiming/common';
import { engineMigrations } from '@shiming/workflow';
import { WorkerModule } from '../../worker/src/worker.module';
import { HealthModule } from './health/health.module';

export interface AppModuleOptions {
  /** Also run the worker's processors and subscriptions in this process. */
  withWorker?: boolean;
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: AppModuleOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(config),
        DatabaseModule.forRoot({ migrations: engineMigrations, applicationName: 'shiming-api' }),
        HealthModule,
        ...(options.withWorker ? [WorkerModule] : []),
      ],
    };
  }
}
