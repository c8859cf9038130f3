import type { Request, Response } from 'express';
import { negotiateLocale, PROBLEM_CONTENT_TYPE, toProblem } from '@shiming/common';

/**
 * Answers with the problem document the global exception filter would write. For plain
 * Express handlers mounted beside Nest (the web app, the queue dashboard), which Nest's
 * filters do not reach.
 */
export function sendProblem(request: Request, response: Response, error: unknown): void {
  // The path only: query strings may carry personal data.
  const locale = negotiateLocale(request.headers['accept-language']);
  const { problem } = toProblem(error, request.originalUrl.split('?', 1)[0], locale);
  response
    .status(problem.status)
    .setHeader('Content-Type', `${PROBLEM_CONTENT_TYPE}; charset=utf-8`)
    .setHeader('Content-Language', locale)
    .setHeader('Vary', 'Accept-Language')
    .send(JSON.stringify(problem));
}
