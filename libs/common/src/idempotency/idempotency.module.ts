import { DynamicModule, Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../config/config';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyStore } from './idempotency.store';
import { IdempotencySweeper } from './idempotency.sweeper';
import { RequestFingerprinter } from './request-fingerprint';

/**
 * `Idempotency-Key` on the POST routes that declare `@Idempotent()`, through an
 * interceptor over the `idempotency_keys` table (needs DatabaseModule). Exports the
 * store (`forgetAccount` for erasure) and the interceptor. With `sweep`, expired keys
 * are deleted in the background (the processes that run workers).
 */
@Module({})
export class IdempotencyModule {
  static forRoot(
    config: Pick<AppConfig, 'idempotency' | 'pii'>,
    options: { sweep: boolean } = { sweep: false },
  ): DynamicModule {
    return {
      module: IdempotencyModule,
      global: true,
      providers: [
        {
          provide: IdempotencyStore,
          inject: [getDataSourceToken()],
          useFactory: (dataSource: DataSource) =>
            new IdempotencyStore(dataSource, config.idempotency),
        },
        // Keyed by PII_HASH_KEY, under a purpose label of its own.
        {
          provide: RequestFingerprinter,
          useValue: RequestFingerprinter.fromHashKey(config.pii.hashKey),
        },
        IdempotencyInterceptor,
        ...(options.sweep ? [IdempotencySweeper] : []),
      ],
      exports: [IdempotencyStore, IdempotencyInterceptor, RequestFingerprinter],
    };
  }
}
