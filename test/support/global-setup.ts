import { ensureRedis, ServiceUnreachableError } from '@shiming/common';
import { Client } from 'pg';
import { adminUrl, prepareTemplate, redisUrl } from './test-database';

// Checks that the real services answer, then migrates the template database that
// every test file copies.
export default async function globalSetup(): Promise<void> {
  const client = new Client({ connectionString: adminUrl() });
  try {
    await client.connect();
  } catch (error) {
    throw new ServiceUnreachableError(
      'PostgreSQL',
      adminUrl(),
      error,
      'Start PostgreSQL, or set TEST_DATABASE_URL / DATABASE_URL to a server you can reach.',
    );
  } finally {
    await client.end().catch(() => undefined);
  }
  await ensureRedis(redisUrl());
  // Test workers start after this and inherit the variable; every project of one
  // run shares the template.
  if (process.env.SHIMING_TEST_TEMPLATE) return;
  const template = `shiming_test_template_${process.pid}_${Date.now().toString(36)}`;
  await prepareTemplate(template);
  process.env.SHIMING_TEST_TEMPLATE = template;
}
