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
          // Another process created it between our check and our create: 42P04 when
          // it had committed, 23505 (the catalogue's unique index) when both ran at once.
          if (error.code !== '42P04' && error.code !== '23505') throw error;
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

/**
 * How long anything waits for PostgreSQL, so that a frozen or stopped server gives a
 * prompt error (answered 503) instead of a request held for as long as it lasts.
 */
export interface DatabaseTimeouts {
  /** A connection from the pool, or a new one to the server. */
  connectMs: number;
  /** One statement on the server (`statement_timeout`). */
  statementMs: number;
  /** One lock wait on the server (`lock_timeout`), advisory locks included. */
  lockMs: number;
}

// The client gives up on a server that does not answer at all (stopped by SIGSTOP, a
// network partition) a little after the server's own statement_timeout would fire.
const CLIENT_GRACE_MS = 2_000;

export interface DatabaseOptions {
  databaseUrl: string;
  poolSize?: number;
  /** None when absent (tools, benchmarks, migrations). */
  timeouts?: DatabaseTimeouts;
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
    extra: { max: options.poolSize ?? 20, keepAlive: true, ...poolTimeouts(options.timeouts) },
    // Never the parameters of a query: they are personal data (card numbers, mobiles).
    logger: new SafeTypeOrmLogger(['warn']),
  };
}

/** node-postgres pool and client settings for `timeouts`. */
function poolTimeouts(timeouts: DatabaseTimeouts | undefined): Record<string, number> {
  if (!timeouts) return {};
  return {
    connectionTimeoutMillis: timeouts.connectMs,
    statement_timeout: timeouts.statementMs,
    lock_timeout: timeouts.lockMs,
    query_timeout: timeouts.statementMs + CLIENT_GRACE_MS,
    // A transaction left open by a crashed caller holds its locks no longer than this.
    idle_in_transaction_session_timeout: Math.max(60_000, timeouts.statementMs * 4),
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

/**
 * Migrates through a short-lived data source like `options` but without statement,
 * lock or query timeouts, so that a long migration is not cut short.
 */
export async function migrateUntimed(options: DataSourceOptions): Promise<void> {
  const extra = { ...((options as { extra?: Record<string, unknown> }).extra ?? {}) };
  for (const key of Object.keys(poolTimeouts(UNBOUNDED))) delete extra[key];
  // The pool's own size: one connection holds the migration lock, others migrate.
  const dataSource = new DataSource({ ...options, extra } as DataSourceOptions);
  await dataSource.initialize();
  try {
    await migrate(dataSource);
  } finally {
    await dataSource.destroy().catch(() => undefined);
  }
}

const UNBOUNDED: DatabaseTimeouts = { connectMs: 0, statementMs: 0, lockMs: 0 };

// An arbitrary constant shared by every process that migrates this schema.
const MIGRATION_LOCK = 7_368_211_001;

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
