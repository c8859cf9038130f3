import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '@shiming/common';
import { PlatformModule } from '../../shared/platform.module';
import { WorkerHealthModule } from './health/worker-health.module';

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
        PlatformModule.forRoot(config, { process: 'worker', runWorkers: true }),
        WorkerHealthModule,
      ],
    };
  }
}
