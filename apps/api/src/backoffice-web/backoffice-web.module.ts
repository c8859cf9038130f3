import { Inject, Logger, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { existsSync } from 'node:fs';
import { extname, join } from 'node:path';
import { sendProblem } from '../http/send-problem';
import { WebAppNotBuiltError } from './web-app-not-built.error';
import { findWebAppRoot } from './web-app-root';

export const WEB_APP_PATH = '/backoffice';
/** The folder holding the build (index.html and assets/); tests point it elsewhere. */
export const WEB_APP_ROOT = Symbol('WEB_APP_ROOT');

// Vite names every asset after its content hash, so an asset never changes under its name.
const ASSET_CACHE = 'public, max-age=31536000, immutable';
// The page shows personal data: it loads only our own code and talks only to our API;
// documents are shown from blob: URLs made from authenticated fetches.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' blob: data:",
  'object-src blob:',
  'frame-src blob:',
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serves the back-office web app's build at `/backoffice`: its files, and index.html for
 * any other page path (deep links such as `/backoffice/cases/<id>`; the app routes on the
 * client). A missing asset stays a 404; a missing build is a 503 saying how to make it,
 * checked per request so that building while the api runs needs no restart.
 *
 * Routes of its own (`/backoffice`, `/backoffice/*`), added when the modules start;
 * files are sent by @fastify/static, and a missing one goes to the api's not-found
 * handler. `/v1`, `/docs` and `/health` are untouched.
 */
@Module({ providers: [{ provide: WEB_APP_ROOT, useFactory: () => findWebAppRoot() }] })
export class BackofficeWebModule implements OnModuleInit {
  private readonly logger = new Logger(BackofficeWebModule.name);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(WEB_APP_ROOT) private readonly root: string,
  ) {}

  onModuleInit(): void {
    const root = this.root;
    const index = join(root, 'index.html');
    if (!existsSync(index)) {
      this.logger.warn(`No web app build at ${root}; ${WEB_APP_PATH} answers 503 until one exists`);
    }
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    // In a scope of its own: the queue dashboard's copy of @fastify/static decorates
    // replies in its scope too.
    void fastify.register(async (scope) => {
      await scope.register(fastifyStatic, {
        root,
        serve: false,
        index: false,
        redirect: false,
        setHeaders: (reply: FastifyReply, path: string) => {
          if (path === index) return setPageHeaders(reply);
          reply.header('X-Content-Type-Options', 'nosniff');
          if (path.startsWith(join(root, 'assets'))) reply.header('Cache-Control', ASSET_CACHE);
        },
      });
      const serve = (request: FastifyRequest, reply: FastifyReply) => {
        const file = (request.params as { '*'?: string })['*'] ?? '';
        // A path with an extension asks for a file, which is there or a 404.
        if (extname(file) !== '') return reply.sendFile(file);
        if (!existsSync(index)) return sendProblem(request, reply, new WebAppNotBuiltError());
        // Any other path is a page of the app, which routes on the client.
        return reply.sendFile('index.html');
      };
      scope.get(WEB_APP_PATH, serve);
      scope.get(`${WEB_APP_PATH}/*`, serve);
    });
  }
}

function setPageHeaders(reply: FastifyReply): void {
  // Always revalidated: a new build must reach reviewers on their next load.
  void reply
    .header('Cache-Control', 'no-cache')
    .header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
    .header('X-Content-Type-Options', 'nosniff')
    .header('Referrer-Policy', 'no-referrer');
}
