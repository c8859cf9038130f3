import type { FastifyReply, FastifyRequest } from 'fastify';
import { negotiateLocale, PROBLEM_CONTENT_TYPE, toProblem } from '@shiming/common';

/**
 * Answers with the problem document the global exception filter would write. For
 * handlers beside Nest's routes (the web app, the queue dashboard, the router's own
 * refusals), which Nest's filters do not reach.
 */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: unknown): void {
  // The path only: query strings may carry personal data.
  const locale = negotiateLocale(request.headers['accept-language']);
  const { problem } = toProblem(error, request.url.split('?', 1)[0], locale);
  void reply
    .status(problem.status)
    .header('Content-Type', `${PROBLEM_CONTENT_TYPE}; charset=utf-8`)
    .header('Content-Language', locale)
    .header('Vary', 'Accept-Language')
    .send(JSON.stringify(problem));
}
