import { INestApplication } from '@nestjs/common';
import {
  correlationIdMiddleware,
  createValidationPipe,
  ProblemDetailsFilter,
} from '@shiming/common';
import { Logger } from 'nestjs-pino';
import { setupOpenApi } from './openapi';

/**
 * What every api instance needs beside its modules; shared by main.ts and the e2e
 * tests. Call before `init`/`listen`: middleware added now runs before body parsing.
 */
export function configureApp(app: INestApplication): void {
  app.useLogger(app.get(Logger));
  app.use(correlationIdMiddleware);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  const server = app.getHttpAdapter().getInstance() as { disable?: (setting: string) => void };
  server.disable?.('x-powered-by');
  setupOpenApi(app);
}
