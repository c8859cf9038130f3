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

type Middleware = (request: IncomingMessage, response: ServerResponse, next: () => void) => void;

/**
 * What a helmet middleware does to a response, done without it: the headers it sets and
 * removes, recorded once. Its policies here are fixed (no directive depends on the
 * request), so every answer gets the same; helmet's own pass per request cost more than
 * the answer of the liveness probe.
 */
function precomputed(middleware: Middleware): (response: ServerResponse) => void {
  const set: [string, string | number | readonly string[]][] = [];
  const removed: string[] = [];
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      set.push([name, value]);
      return recorder;
    },
    removeHeader: (name: string) => removed.push(name),
  };
  let called = false;
  middleware({ headers: {} } as IncomingMessage, recorder as unknown as ServerResponse, () => {
    called = true;
  });
  if (!called) throw new Error('helmet did not answer at once');
  return (response) => {
    for (const name of removed) response.removeHeader(name);
    for (const [name, value] of set) response.setHeader(name, value);
  };
}

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
  const api = precomputed(helmet({ contentSecurityPolicy: API_POLICY }));
  const page = precomputed(helmet({ contentSecurityPolicy: PAGE_POLICY }));
  const webApp = precomputed(helmet({ contentSecurityPolicy: false }));
  const under = (path: string, prefix: string) =>
    path.startsWith(prefix) && (path.length === prefix.length || path[prefix.length] === '/');
  return (request, response) => {
    const url = request.url ?? '/';
    const at = url.indexOf('?');
    const path = at < 0 ? url : url.slice(0, at);
    if (under(path, paths.webApp)) return webApp(response);
    if (under(path, paths.docs) || under(path, paths.queueDashboard)) return page(response);
    return api(response);
  };
}
