import { DynamicModule, Global, Inject, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig, loadConfig } from './config';

/**
 * Provides the validated configuration as `APP_CONFIG` everywhere. A test passes
 * its own; otherwise the environment is read, once.
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig = loadConfig()): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}

/** Injects the application's `AppConfig`. */
export const InjectConfig = (): ParameterDecorator => Inject(APP_CONFIG);
