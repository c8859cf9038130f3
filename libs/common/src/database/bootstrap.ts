import { Client } from 'pg';
import Redis from 'ioredis';
import { DataSource, DataSourceOptions, MixedList } from 'typeorm';
import { redactUrl } from '../config';
import { SafeTypeOrmLogger } from './safe-typeorm-logger';

export class ServiceUnreachableError extends Error {
  constructor(service: 'PostgreSQL' | 'Redis', url: string, cause: unknown, hint: string) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`Cannot reach ${service} at ${redactUrl(url)}: ${reason.replace(/\.+$/, '')}. ${hint}`);
    this.name = 'ServiceUnreachableError';
  }
}

const PG_HINT =
  'Start PostgreSQL (or run `docker compose up -d postgres`), or set DATABASE_URL to a server you can reach.';
const REDIS_HINT =
  'Start Redis (or run `docker compose up -d redis`), or set REDIS_URL to a server you can reach.';

/** Creates the application's database if it does not exist yet. */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const target = new URL(databaseUrl);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!name) throw new Error(`DATABASE_URL names no database: ${redactUrl(databaseUrl)}`);
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    throw new ServiceUnreachableError('PostgreSQL', databaseUrl, error, PG_HINT);
  }
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client
        .query(`CREATE DATABASE ${quoteIdent(name)}`)
        .catch((error: { code?: string }) => {
          // 42P04: another process created it between our check and our create.
          if (error.code !== '42P04') throw error;
        });
    }
  } finally {
    await client.end();
  }
}

/** Fails fast with an actionable message when Redis does not answer. */
export async function ensureRedis(redisUrl: string): Promise<void> {
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: 5000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new ServiceUnreachableError('Redis', redisUrl, error, REDIS_HINT);
  } finally {
    redis.disconnect();
  }
}

export interface DatabaseOptions {
  databaseUrl: string;
  poolSize?: number;
  migrations: MixedList<string | (new () => unknown)>;
  entities?: MixedList<string | (new () => unknown)>;
  applicationName?: string;
}

export function dataSourceOptions(options: DatabaseOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: options.databaseUrl,
    // Schema comes from migrations only.
    synchronize: false,
    migrationsRun: false,
    migrations: options.migrations as DataSourceOptions['migrations'],
    migrationsTableName: 'schema_migrations',
    entities: (options.entities ?? []) as DataSourceOptions['entities'],
    applicationName: options.applicationName ?? 'shiming',
    extra: { max: options.poolSize ?? 20 },
    // Never the parameters of a query: they are personal data (card numbers, mobiles).
    logger: new SafeTypeOrmLogger(['warn']),
  };
}

/**
 * Runs pending migrations under a PostgreSQL advisory lock, so that an api and a
 * worker starting together never migrate the same schema twice.
 */
export async function migrate(dataSource: DataSource): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}

/** Ensures the database exists, connects, and migrates it. */
export async function openDatabase(options: DatabaseOptions): Promise<DataSource> {
  await ensureDatabase(options.databaseUrl);
  const dataSource = new DataSource(dataSourceOptions(options));
  try {
    await dataSource.initialize();
  } catch (error) {
    throw new ServiceUnreachableError('PostgreSQL', options.databaseUrl, error, PG_HINT);
  }
  await migrate(dataSource);
  return dataSource;
}

// An arbitrary constant shared by every process that migrates this schema.
const MIGRATION_LOCK = 7_368_211_001;

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
