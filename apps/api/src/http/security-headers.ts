import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

// Pages of ours that run in a browser (the OpenAPI UI, the queue dashboard) load their
// scripts from us only; their inline <style> blocks and style attributes need
// 'unsafe-inline' for styles, never for scripts. External fonts are not loaded.
const PAGE_POLICY = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    fontSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
};

// Answers of the API are data, never a page: nothing in them may load or run.
const API_POLICY = {
  useDefaults: false,
  directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
};

/**
 * helmet's headers on every answer (no-sniff, frame, referrer, HSTS, cross-origin
 * policies), with the Content-Security-Policy of what is served: the OpenAPI UI at
 * `/docs` and the queue dashboard at `/admin/queues` as pages, the web app with the
 * policy it sets itself (BackofficeWebModule), everything else as API data.
 */
export function securityHeaders(paths: {
  docs: string;
  queueDashboard: string;
  webApp: string;
}): (request: IncomingMessage, response: ServerResponse) => void {
  const api = helmet({ contentSecurityPolicy: API_POLICY });
  const page = helmet({ contentSecurityPolicy: PAGE_POLICY });
  const webApp = helmet({ contentSecurityPolicy: false });
  const under = (path: string, prefix: string) =>
    path.startsWith(prefix) && (path.length === prefix.length || path[prefix.length] === '/');
  // helmet sets its headers at once and calls on.
  const next = () => undefined;
  return (request, response) => {
    const url = request.url ?? '/';
    const at = url.indexOf('?');
    const path = at < 0 ? url : url.slice(0, at);
    if (under(path, paths.webApp)) return webApp(request, response, next);
    if (under(path, paths.docs) || under(path, paths.queueDashboard)) {
      return page(request, response, next);
    }
    return api(request, response, next);
  };
}
