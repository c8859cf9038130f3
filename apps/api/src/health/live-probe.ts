import type { FastifyReply, FastifyRequest } from 'fastify';

export const LIVE_PATH = '/health/live';

/**
 * The liveness probe, answered as soon as the request arrives: load balancers and
 * orchestrators ask for it every few seconds, and nothing in Nest's pipeline (guards,
 * pipes, interceptors, the router) has anything to add to "the process is up". The same
 * answer as `HealthController.live`, which documents it and serves any other form of
 * the request (`HEAD`, a query string). True when it answered: call it from the first
 * `onRequest` hook, once the security headers and the correlation id are set, and go
 * no further when it did (nothing runs in the correlation context for it).
 */
export function answersLiveProbe(request: FastifyRequest, reply: FastifyReply): boolean {
  if (request.method !== 'GET' || request.url !== LIVE_PATH) return false;
  const process = { status: 'up', uptimeSeconds: Math.floor(globalThis.process.uptime()) };
  void reply
    .header('Cache-Control', 'no-cache, no-store, must-revalidate')
    .type('application/json; charset=utf-8')
    .send(JSON.stringify({ status: 'ok', info: { process }, error: {}, details: { process } }));
  return true;
}
