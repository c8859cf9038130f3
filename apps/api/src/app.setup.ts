import { INestApplication } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  APP_CONFIG,
  AppConfig,
  correlationIdMiddleware,
  createValidationPipe,
  ProblemDetailsFilter,
} from '@shiming/common';
import { Logger } from 'nestjs-pino';
import { QUEUE_DASHBOARD_PATH } from './admin/admin.module';
import { WEB_APP_PATH } from './backoffice-web/backoffice-web.module';
import { InputGuard } from './http/input.guard';
import { requestBodyMiddleware } from './http/request-body';
import { securityHeaders } from './http/security-headers';
import { DOCS_PATH, setupOpenApi } from './openapi';

/**
 * What every api instance needs beside its modules; shared by main.ts and the e2e
 * tests. Call before `init`/`listen`: middleware added now runs before routing. Create
 * the application with `bodyParser: false`: the body parsers are set up here.
 */
export function configureApp(app: INestApplication): void {
  const config = app.get<AppConfig>(APP_CONFIG);
  app.useLogger(app.get(Logger));
  app.use(
    securityHeaders({
      docs: DOCS_PATH,
      queueDashboard: QUEUE_DASHBOARD_PATH,
      webApp: WEB_APP_PATH,
    }),
  );
  app.use(correlationIdMiddleware);
  app.use(...requestBodyMiddleware(config.http));
  // After the guards the modules register (authentication, roles): refusals of bad
  // input go to authenticated callers only.
  app.useGlobalGuards(new InputGuard(app.get(Reflector)));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  const server = app.getHttpAdapter().getInstance() as {
    disable?: (setting: string) => void;
    set?: (setting: string, value: unknown) => void;
  };
  server.disable?.('x-powered-by');
  // Only the proxies the operator names may say who the client is (X-Forwarded-For).
  server.set?.('trust proxy', config.http.trustProxy);
  setupOpenApi(app);
}
