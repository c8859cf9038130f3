import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, AuthModule, IdempotencyModule } from '@shiming/common';
import { PlatformModule } from '../../shared/platform.module';
import { AdminModule } from './admin/admin.module';
import { BackofficeWebModule } from './backoffice-web/backoffice-web.module';
import { BackofficeApiModule } from './backoffice/backoffice-api.module';
import { HealthModule } from './health/health.module';
import { RateLimitModule } from './http/rate-limit/rate-limit.module';
import { LimitsApiModule } from './limits/limits-api.module';
import { SandboxModule } from './sandbox/sandbox.module';
import { VerificationApiModule } from './verification/verification-api.module';

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
        PlatformModule.forRoot(config, { process: 'api', runWorkers: options.withWorker ?? false }),
        // Before AuthModule: global guards run in the order their modules are imported.
        RateLimitModule.forRoot(config),
        AuthModule.forRoot(config),
        IdempotencyModule.forRoot(config),
        HealthModule,
        LimitsApiModule,
        VerificationApiModule,
        BackofficeApiModule,
        ...(config.sandbox ? [SandboxModule] : []),
        AdminModule,
        BackofficeWebModule,
      ],
    };
  }
}
