import { Logger } from '@nestjs/common';
import {
  ForbiddenError,
  Principal,
  Role,
  TokenVerifier,
  toProblem,
  UnauthenticatedError,
  bearerTokenOf,
} from '@shiming/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { sendProblem } from '../http/send-problem';
import { ADMIN_COOKIE, cookieOf } from './admin-cookie';

const logger = new Logger('AdminAuth');

/**
 * Lets a request through to an admin page when it carries a valid token of one of
 * `roles`, as a bearer header or in the admin cookie (`POST /v1/backoffice/session`).
 * Otherwise 401 or 403 problem+json, as the API's own guards answer.
 */
export function adminAuth(verifier: TokenVerifier, roles: Role[]): RequestHandler {
  return (request: Request, response: Response, next: NextFunction): void => {
    const token =
      bearerTokenOf(request.headers.authorization) ??
      cookieOf(request.headers.cookie, ADMIN_COOKIE);
    if (!token) {
      response.setHeader('WWW-Authenticate', 'Bearer realm="shiming"');
      return sendProblem(
        request,
        response,
        new UnauthenticatedError(
          'This needs a bearer token or the session cookie from POST /v1/backoffice/session.',
        ),
      );
    }
    verifier.verify(token).then(
      (principal: Principal) => {
        if (principal.roles.some((role) => roles.includes(role))) return next();
        sendProblem(
          request,
          response,
          new ForbiddenError(`This needs one of the roles: ${roles.join(', ')}.`),
        );
      },
      (error: unknown) => {
        if (toProblem(error).unexpected) {
          logger.error(error instanceof Error ? error : new Error(String(error)));
        }
        sendProblem(request, response, error);
      },
    );
  };
}
