import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AppConfig, loadConfig } from '@shiming/common';
import { AppModule } from '../../apps/api/src/app.module';
import { configureApp } from '../../apps/api/src/app.setup';
import { redisUrl, testQueuePrefix } from './test-database';

/** The application's configuration pointed at a test database and queue prefix of its own. */
export function testConfig(databaseUrl: string, overrides: NodeJS.ProcessEnv = {}): AppConfig {
  return loadConfig({
    ...process.env,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl(),
    QUEUE_PREFIX: testQueuePrefix(),
    ...overrides,
  });
}

/** The api as `main.ts` builds it, not listening; supertest drives its HTTP server. */
export async function startApi(
  config: AppConfig,
  options: { withWorker?: boolean } = {},
): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.forRoot(config, options)],
  }).compile();
  const app = moduleRef.createNestApplication({ bufferLogs: true });
  configureApp(app);
  await app.init();
  return app;
}
