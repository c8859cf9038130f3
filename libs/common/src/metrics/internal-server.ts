import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Metrics } from './metrics';

/** A health probe's answer: 200 when `ok`, 503 otherwise, with `body` as JSON. */
export interface ProbeAnswer {
  ok: boolean;
  body: unknown;
}

export interface InternalServerOptions {
  port: number;
  host?: string;
  metrics: Metrics;
  /** When set, `/metrics` answers only `Authorization: Bearer <token>` (the probes stay open). */
  metricsToken?: string | null;
  /** Liveness and readiness, for a process without an HTTP server of its own (the worker). */
  health?: { live(): Promise<ProbeAnswer>; ready(): Promise<ProbeAnswer> };
}

export interface InternalServer {
  port: number;
  close(): Promise<void>;
}

/**
 * The operators' listener, apart from the public port: `GET /metrics` (Prometheus) and,
 * where given, `GET /health/live` and `GET /health/ready`. Bind it to an address only
 * the monitoring network reaches; `metricsToken` adds a bearer token to `/metrics`.
 */
export async function startInternalServer(options: InternalServerOptions): Promise<InternalServer> {
  const server = createServer((request, response) => {
    answer(options, request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => closeServer(server),
  };
}

async function answer(
  { metrics, metricsToken, health }: InternalServerOptions,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const path = (request.url ?? '/').split('?')[0];
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD' }).end();
  } else if (path === '/metrics' && metricsToken && !bearerMatches(request, metricsToken)) {
    response.writeHead(401, { 'www-authenticate': 'Bearer realm="metrics"' }).end();
  } else if (path === '/metrics') {
    const text = await metrics.scrape();
    response.writeHead(200, { 'content-type': metrics.contentType }).end(text);
  } else if (health && (path === '/health/live' || path === '/health/ready')) {
    const probe = path === '/health/live' ? await health.live() : await health.ready();
    response
      .writeHead(probe.ok ? 200 : 503, { 'content-type': 'application/json' })
      .end(JSON.stringify(probe.body));
  } else {
    response.writeHead(404).end();
  }
}

// Compared as digests of equal length, so the time taken says nothing of the token.
function bearerMatches(request: IncomingMessage, token: string): boolean {
  const match = /^Bearer +(\S+) *$/i.exec(request.headers.authorization ?? '');
  if (!match) return false;
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(match[1]), digest(token));
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
