import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule, DatabaseModule, LoggingModule } from '@shiming/common';
import { EngineModule, engineMigrations } from '@shiming/workflow';
import { HealthModule } from './health/health.module';
import { SandboxModule } from './sandbox/sandbox.module';

export interface AppModuleOptions {
  /** Also run the worker's subscriptions, timer processor and reconciler in this process. */
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
        EngineModule.forRoot(config, { runWorkers: options.withWorker ?? false }),
        HealthModule,
        ...(config.sandbox ? [SandboxModule] : []),
      ],
    };
  }
}
