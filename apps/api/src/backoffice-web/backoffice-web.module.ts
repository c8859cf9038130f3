import { Inject, Logger, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import express, { NextFunction, Request, Response } from 'express';
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
 * Mounted on Express when the modules start, after the controllers' routes and before
 * the not-found handler; it sees only paths under `/backoffice`, so `/v1`, `/docs` and
 * `/health` are untouched.
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
    const files = express.static(root, {
      index: false,
      redirect: false,
      fallthrough: true,
      setHeaders: (response, path) => {
        if (path === index) return setPageHeaders(response);
        response.setHeader('X-Content-Type-Options', 'nosniff');
        if (path.startsWith(join(root, 'assets'))) response.setHeader('Cache-Control', ASSET_CACHE);
      },
    });
    const page = (request: Request, response: Response, next: NextFunction): void => {
      if (request.method !== 'GET' && request.method !== 'HEAD') return next();
      // A path with an extension asks for a file that is not there: a 404, not the page.
      if (extname(request.path) !== '') return next();
      if (!existsSync(index)) return sendProblem(request, response, new WebAppNotBuiltError());
      setPageHeaders(response);
      response.sendFile(index, (error) => {
        if (error && !response.headersSent)
          sendProblem(request, response, new WebAppNotBuiltError());
      });
    };
    this.adapterHost.httpAdapter.use(WEB_APP_PATH, files, page);
  }
}

function setPageHeaders(response: Response): void {
  // Always revalidated: a new build must reach reviewers on their next load.
  response.setHeader('Cache-Control', 'no-cache');
  response.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Referrer-Policy', 'no-referrer');
}
