import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test, type TestingModule } from '@nestjs/testing';
import { AppConfig, loadConfig } from '@shiming/common';
import { AppModule } from '../../apps/api/src/app.module';
import { configureApp, createHttpAdapter, readyApp } from '../../apps/api/src/app.setup';
import { REDIS_UNREACHABLE_VARIABLE } from './redis-suites';
import { redisUrl, testQueuePrefix } from './test-database';

// Tests make thousands of requests from 127.0.0.1 with a few tokens: limits that no
// test reaches, unless it sets its own (the rate-limit tests do).
const HIGH = 'window:60,ip:1000000,account:1000000,client:1000000';
export const TEST_RATE_LIMITS: NodeJS.ProcessEnv = {
  RATE_LIMIT_DEFAULT: HIGH,
  RATE_LIMIT_IDENTITY_CHECK: HIGH,
  RATE_LIMIT_SMS: HIGH,
  RATE_LIMIT_GUESS: HIGH,
  RATE_LIMIT_UPLOAD: HIGH,
  RATE_LIMIT_SANDBOX_TOKEN: HIGH,
  RATE_LIMIT_PERSONAL_DATA_SEARCH: HIGH,
};

/** The application's configuration pointed at a test database and queue prefix of its own. */
export function testConfig(databaseUrl: string, overrides: NodeJS.ProcessEnv = {}): AppConfig {
  return loadConfig({
    ...process.env,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    DATABASE_URL: databaseUrl,
    // Without a Redis that answers, REDIS_URL is left unset: the application's "no Redis".
    REDIS_URL: process.env[REDIS_UNREACHABLE_VARIABLE] ? undefined : redisUrl(),
    QUEUE_PREFIX: testQueuePrefix(),
    ...TEST_RATE_LIMITS,
    ...overrides,
  });
}

/** The api as `main.ts` builds it, not listening; supertest drives its HTTP server. */
export async function startApi(
  config: AppConfig,
  options: { withWorker?: boolean } = {},
): Promise<NestFastifyApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.forRoot(config, options)],
  }).compile();
  return apiOf(moduleRef, config);
}

/** The api of a compiled module (with providers overridden), set up as `main.ts` does. */
export async function apiOf(
  moduleRef: TestingModule,
  config: AppConfig,
): Promise<NestFastifyApplication> {
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(config), {
    bufferLogs: true,
    bodyParser: false,
  });
  configureApp(app);
  await app.init();
  await readyApp(app);
  return app;
}
