import { DynamicModule, Module } from '@nestjs/common';
import {
  AppConfig,
  ConfigModule,
  CryptoModule,
  DatabaseModule,
  IdempotencyModule,
  LoggingModule,
  MetricsModule,
  ShutdownModule,
} from '@shiming/common';
import { BackofficeModule } from '@shiming/backoffice';
import { IntegrationsModule } from '@shiming/integrations';
import { LimitsModule } from '@shiming/limits';
import { VerificationModule } from '@shiming/verification';
import { EngineModule } from '@shiming/workflow';
import { applicationMigrations } from './migrations';
import { TracingShutdown } from './tracing-shutdown';

/**
 * What the api and the worker share: configuration, logs, the database, the engine,
 * personal-data protection, idempotency records and the outside parties (simulated in
 * the sandbox).
 */
@Module({})
export class PlatformModule {
  static forRoot(
    config: AppConfig,
    options: { process: 'api' | 'worker'; runWorkers: boolean },
  ): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(config),
        MetricsModule,
        ShutdownModule,
        DatabaseModule.forRoot({
          migrations: applicationMigrations,
          applicationName: `shiming-${options.process}`,
        }),
        EngineModule.forRoot(config, { runWorkers: options.runWorkers }),
        CryptoModule.forRoot(config),
        // The worker needs the store too: erasing an identity forgets stored answers.
        IdempotencyModule.forRoot(config, { sweep: options.runWorkers }),
        IntegrationsModule.forRoot({
          sandbox: config.sandbox,
          documentsRoot: config.documents.root,
          depositSettlementMs: config.sandboxRules.depositSettlementMs,
          authorityUnavailableFailures: config.sandboxRules.authorityUnavailableFailures,
        }),
        LimitsModule,
        VerificationModule,
        BackofficeModule,
      ],
      providers: [TracingShutdown],
    };
  }
}
