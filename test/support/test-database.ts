import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@shiming/common';
import { applicationMigrations } from '../../apps/shared/migrations';
import { REDIS_UNREACHABLE_VARIABLE } from './redis-suites';

// Tests run against their own databases on the configured server: a migrated
// template made once per run by jest's globalSetup (named per run, so that two runs
// on one server do not rebuild each other's template), and a fresh copy of it per
// test file.
export function templateDatabase(): string {
  return process.env.SHIMING_TEST_TEMPLATE ?? 'shiming_test_template';
}

/** The server the tests were told to use, if any. */
export function configuredDatabaseUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;
}

export function serverUrl(): string {
  // The password is the one docker-compose.yml sets; a server with trust ignores it.
  return configuredDatabaseUrl() ?? 'postgres://postgres:postgres@127.0.0.1:5432/shiming_test';
}

export function databaseUrl(name: string): string {
  if (!/test/.test(name))
    throw new Error(`Refusing to use database "${name}" in tests: its name must contain "test"`);
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

/** The server's maintenance database, to create and drop test databases from. */
export function adminUrl(): string {
  const url = new URL(serverUrl());
  url.pathname = '/postgres';
  return url.toString();
}

/** The Redis the tests were told to use, if any. */
export function configuredRedisUrl(): string | undefined {
  return process.env.TEST_REDIS_URL || process.env.REDIS_URL || undefined;
}

export function redisUrl(): string {
  return configuredRedisUrl() ?? 'redis://127.0.0.1:6379';
}

/** The tests' Redis, or null when the global set-up found none answering. */
export function reachableRedisUrl(): string | null {
  return process.env[REDIS_UNREACHABLE_VARIABLE] ? null : redisUrl();
}

/** A key prefix of its own for each test file's queues. */
export function testQueuePrefix(): string {
  return `shiming-test-${randomBytes(4).toString('hex')}`;
}

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Recreates the template database and migrates it (once per test run). */
export async function prepareTemplate(name: string): Promise<void> {
  await admin(async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
  });
  const dataSource = new DataSource(
    dataSourceOptions({
      databaseUrl: databaseUrl(name),
      migrations: applicationMigrations,
    }),
  );
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
}

export async function dropTemplate(name: string): Promise<void> {
  await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh database for one test file, migrated unless `template` is null; drop it in afterAll. */
export async function createTestDatabase(
  template: string | null = templateDatabase(),
): Promise<TestDatabase> {
  const name = `shiming_test_${randomBytes(6).toString('hex')}`;
  await admin((client) =>
    client.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`),
  );
  return {
    name,
    url: databaseUrl(name),
    drop: () =>
      admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(
        () => undefined,
      ),
  };
}
