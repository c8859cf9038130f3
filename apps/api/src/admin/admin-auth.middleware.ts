import { Logger } from '@nestjs/common';
import {
  ForbiddenError,
  Role,
  TokenVerifier,
  toProblem,
  UnauthenticatedError,
  bearerTokenOf,
} from '@shiming/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem } from '../http/send-problem';
import { ADMIN_COOKIE, cookieOf } from './admin-cookie';

const logger = new Logger('AdminAuth');

/**
 * A request hook that lets a request through to an admin page when it carries a valid
 * token of one of `roles`, as a bearer header or in the admin cookie
 * (`POST /v1/backoffice/session`). Otherwise 401 or 403 problem+json, as the API's own
 * guards answer.
 */
export function adminAuth(
  verifier: TokenVerifier,
  roles: Role[],
): (request: FastifyRequest, reply: FastifyReply) => Promise<unknown> {
  return async (request, reply) => {
    const token =
      bearerTokenOf(request.headers.authorization) ??
      cookieOf(request.headers.cookie, ADMIN_COOKIE);
    if (!token) {
      reply.header('WWW-Authenticate', 'Bearer realm="shiming"');
      sendProblem(
        request,
        reply,
        new UnauthenticatedError(
          'This needs a bearer token or the session cookie from POST /v1/backoffice/session.',
        ),
      );
      return reply;
    }
    try {
      const principal = await verifier.verify(token);
      if (principal.roles.some((role) => roles.includes(role))) return undefined;
      sendProblem(
        request,
        reply,
        new ForbiddenError(`This needs one of the roles: ${roles.join(', ')}.`),
      );
    } catch (error) {
      if (toProblem(error).unexpected) {
        logger.error(error instanceof Error ? error : new Error(String(error)));
      }
      sendProblem(request, reply, error);
    }
    return reply;
  };
}
