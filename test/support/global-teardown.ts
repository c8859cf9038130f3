import { stopTestPostgres } from './embedded-test-postgres';
import { dropTemplate } from './test-database';

export default async function globalTeardown(): Promise<void> {
  const template = process.env.SHIMING_TEST_TEMPLATE;
  delete process.env.SHIMING_TEST_TEMPLATE;
  if (template) await dropTemplate(template);
  await stopTestPostgres();
}
