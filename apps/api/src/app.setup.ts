import { Reflector } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import {
  APP_CONFIG,
  AppConfig,
  assertIdempotencyDeclared,
  correlationIdMiddleware,
  createValidationPipe,
  ensureCorrelationId,
  ProblemDetailsFilter,
} from '@shiming/common';
import { Logger } from 'nestjs-pino';
import { QUEUE_DASHBOARD_PATH } from './admin/admin.module';
import { apiControllers } from './app.module';
import { WEB_APP_PATH } from './backoffice-web/backoffice-web.module';
import { answersLiveProbe, LIVE_PATH } from './health/live-probe';
import { accessLog } from './http/access-log';
import { InputGuard } from './http/input.guard';
import { pathError, registerBodyParsers, routingError } from './http/request-body';
import { securityHeaders } from './http/security-headers';
import { sendProblem } from './http/send-problem';
import { DOCS_PATH, setupOpenApi } from './openapi';
import { StatusPoll } from './verification/status-poll';

const applySecurityHeaders = securityHeaders({
  docs: DOCS_PATH,
  queueDashboard: QUEUE_DASHBOARD_PATH,
  webApp: WEB_APP_PATH,
});

/**
 * The HTTP platform of the api: Fastify, for its lower cost per request. Shared by
 * main.ts and the e2e tests, which so run what production runs. Only the proxies the
 * operator names may say who the client is (X-Forwarded-For); Fastify announces
 * nothing of itself (no X-Powered-By).
 */
export function createHttpAdapter(config: Pick<AppConfig, 'http'>): FastifyAdapter {
  return new FastifyAdapter({
    trustProxy: config.http.trustProxy > 0 ? config.http.trustProxy : false,
    bodyLimit: config.http.jsonBodyLimitBytes,
    // As long as Node lets a request line be (its 16 KiB head): a parameter's length is
    // judged by the route's validation, not refused by the router with a bare 400.
    routerOptions: { maxParamLength: 16_384 },
    // No Express-style middleware is used (the hooks below do that work): no
    // @fastify/middie pass on every request.
    skipMiddie: true,
    // A path the router cannot decode is refused as the rest of the edge refuses input.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      ensureCorrelationId(request.raw, reply.raw);
      applySecurityHeaders(request.raw, reply.raw);
      sendProblem(request, reply, routingError(error));
    },
  });
}

/**
 * What every api instance needs beside its modules; shared by main.ts and the e2e
 * tests. Call before `init`/`listen`: hooks added now run before routing. Create the
 * application with `createHttpAdapter` and `bodyParser: false`: the body parsers are
 * set up here.
 */
export function configureApp(app: NestFastifyApplication): void {
  const config = app.get<AppConfig>(APP_CONFIG);
  assertIdempotencyDeclared(apiControllers(config));
  app.useLogger(app.get(Logger));
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    applySecurityHeaders(request.raw, reply.raw);
    if (request.url === LIVE_PATH) {
      ensureCorrelationId(request.raw, reply.raw);
      if (answersLiveProbe(request, reply)) return;
    }
    // The rest of the request runs in its correlation context.
    correlationIdMiddleware(request.raw, reply.raw, () => done(pathError(request.url)));
  });
  // Answered before routing's other hooks and Nest's pipeline (see StatusPoll).
  fastify.addHook('onRequest', app.get(StatusPoll).hook);
  fastify.addHook('onResponse', accessLog());
  registerBodyParsers(fastify, config.http);
  // After the guards the modules register (authentication, roles): refusals of bad
  // input go to authenticated callers only.
  app.useGlobalGuards(new InputGuard(app.get(Reflector)));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  setupOpenApi(app);
}

/** Starts the routes of an application that `init` set up (for tests that do not listen). */
export async function readyApp(app: NestFastifyApplication): Promise<void> {
  await app.getHttpAdapter().getInstance().ready();
}
