import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config';
import { DatabaseOptions, dataSourceOptions, ensureDatabase, migrateUntimed } from './bootstrap';

export interface DatabaseModuleOptions {
  migrations: DatabaseOptions['migrations'];
  /** Shown in pg_stat_activity, to tell the api's connections from the worker's. */
  applicationName?: string;
}

/**
 * The PostgreSQL connection shared by api and worker, through TypeORM. The
 * database is created if missing and migrated before anything can use it.
 * Entities come from `TypeOrmModule.forFeature` in the modules that own them.
 */
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({
            ...dataSourceOptions({
              databaseUrl: config.databaseUrl,
              poolSize: config.dbPoolSize,
              timeouts: config.dbTimeouts,
              migrations: options.migrations,
              applicationName: options.applicationName,
            }),
            autoLoadEntities: true,
            // Fail fast with the driver's message; whoever runs us restarts us.
            retryAttempts: 0,
          }),
          dataSourceFactory: async (resolved?: DataSourceOptions) => {
            const url = (resolved as { url?: string } | undefined)?.url;
            if (!resolved || !url) throw new Error('DatabaseModule: no database URL');
            await ensureDatabase(url);
            // Migrations may rewrite the whole log: on connections of their own, without
            // the timeouts that bound the service's statements.
            await migrateUntimed(resolved);
            return new DataSource(resolved).initialize();
          },
        }),
      ],
      exports: [TypeOrmModule],
    };
  }
}
