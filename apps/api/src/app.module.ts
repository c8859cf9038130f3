import { DynamicModule, Module, Type } from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AppConfig, AuthModule, HttpMetricsInterceptor } from '@shiming/common';
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

/** The modules that serve HTTP routes, in the order the api mounts them. */
function httpModules(options: { sandbox: boolean }): Type[] {
  return [
    HealthModule,
    LimitsApiModule,
    VerificationApiModule,
    BackofficeApiModule,
    ...(options.sandbox ? [SandboxModule] : []),
    AdminModule,
    BackofficeWebModule,
  ];
}

/** Every controller of the api: what its OpenAPI document describes. */
export function apiControllers(options: { sandbox: boolean }): Type[] {
  return httpModules(options).flatMap(
    (module) => (Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, module) as Type[]) ?? [],
  );
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
        ...httpModules(config),
      ],
      providers: [{ provide: APP_INTERCEPTOR, useClass: HttpMetricsInterceptor }],
    };
  }
}
