import { DynamicModule, Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../config/config';
import { KeyedHash } from './keyed-hash';
import { PiiVault } from './pii-vault';

/**
 * Provides `PiiVault` (over the application's DataSource; needs DatabaseModule) and
 * `KeyedHash`, everywhere.
 */
@Module({})
export class CryptoModule {
  static forRoot(config: Pick<AppConfig, 'pii'>): DynamicModule {
    return {
      module: CryptoModule,
      global: true,
      providers: [
        {
          provide: PiiVault,
          inject: [getDataSourceToken()],
          useFactory: (dataSource: DataSource) => PiiVault.fromConfig(dataSource, config),
        },
        { provide: KeyedHash, useValue: new KeyedHash(config.pii.hashKey) },
      ],
      exports: [PiiVault, KeyedHash],
    };
  }
}
