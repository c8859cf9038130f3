import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';

export const LIVE_PATH = '/health/live';

/**
 * The liveness probe, answered as soon as the request arrives: load balancers and
 * orchestrators ask for it every few seconds, and nothing in Nest's pipeline (guards,
 * pipes, interceptors, the router) has anything to add to "the process is up". The same
 * answer as `HealthController.live`, which documents it and serves any other form of
 * the request (`HEAD`, a query string). Add after the hook that sets security headers
 * and the correlation id.
 */
export function answerLiveProbe(
  request: FastifyRequest,
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
): void {
  if (request.method !== 'GET' || request.url !== LIVE_PATH) {
    done();
    return;
  }
  const process = { status: 'up', uptimeSeconds: Math.floor(globalThis.process.uptime()) };
  void reply
    .header('Cache-Control', 'no-cache, no-store, must-revalidate')
    .type('application/json; charset=utf-8')
    .send(JSON.stringify({ status: 'ok', info: { process }, error: {}, details: { process } }));
}
