import { ensureRedis, ServiceUnreachableError } from '@shiming/common';
import { Client } from 'pg';
import { startTestPostgres } from './embedded-test-postgres';
import { REDIS_UNREACHABLE_VARIABLE, SUITES_NEEDING_REDIS } from './redis-suites';
import {
  adminUrl,
  configuredDatabaseUrl,
  configuredRedisUrl,
  prepareTemplate,
  redisUrl,
} from './test-database';

// Finds the services, then migrates the template database that every test file
// copies. PostgreSQL: the configured server (TEST_DATABASE_URL, DATABASE_URL), else
// one on 127.0.0.1:5432, else an embedded one started for this run. Redis: the
// configured one, else one on 127.0.0.1:6379, else none, and the suites that need it
// are skipped.
export default async function globalSetup(): Promise<void> {
  // Test workers start after this and inherit the variables; every project of one
  // run shares the services and the template.
  if (process.env.SHIMING_TEST_TEMPLATE) return;
  if (!configuredDatabaseUrl() && !(await answers(adminUrl()))) {
    await startTestPostgres();
  }
  if (!(await answers(adminUrl()))) {
    const client = new Client({ connectionString: adminUrl(), connectionTimeoutMillis: 5000 });
    const error = await client.connect().then(
      () => client.end(),
      (cause: unknown) => cause,
    );
    throw new ServiceUnreachableError(
      'PostgreSQL',
      adminUrl(),
      error,
      'Start PostgreSQL, or set TEST_DATABASE_URL / DATABASE_URL to a server you can reach.',
    );
  }
  if (configuredRedisUrl()) {
    await ensureRedis(redisUrl());
  } else {
    await ensureRedis(redisUrl()).catch(() => {
      process.env[REDIS_UNREACHABLE_VARIABLE] = redisUrl();
      console.warn(
        `\nRedis does not answer at ${redisUrl()} and TEST_REDIS_URL is not set: the suites ` +
          `that need Redis are skipped:\n${SUITES_NEEDING_REDIS.map((s) => `  - ${s}`).join('\n')}\n`,
      );
    });
  }
  const template = `shiming_test_template_${process.pid}_${Date.now().toString(36)}`;
  await prepareTemplate(template);
  process.env.SHIMING_TEST_TEMPLATE = template;
}

async function answers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
