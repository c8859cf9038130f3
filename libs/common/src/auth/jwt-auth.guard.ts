import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { IS_PUBLIC } from './auth.decorators';
import { UnauthenticatedError } from './auth.errors';
import { RequestWithPrincipal } from './principal';
import { TokenVerifier } from './token-verifier';

interface HttpRequest extends RequestWithPrincipal {
  headers: Record<string, string | string[] | undefined>;
}
// Fastify's reply or Express's response.
interface HttpResponse {
  header(name: string, value: string): unknown;
}

const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i;

/** The token of an `Authorization: Bearer <token>` header; undefined when there is none. */
export function bearerTokenOf(header: string | string[] | undefined): string | undefined {
  const match = typeof header === 'string' ? BEARER.exec(header) : null;
  return match?.[1];
}

/** The RFC 6750 challenge of a request without a bearer token. */
export const BEARER_CHALLENGE = 'Bearer realm="shiming"';

/** The RFC 6750 challenge of a request whose token was refused. */
export function invalidTokenChallenge(error: UnauthenticatedError): string {
  // RFC 6750 allows printable ASCII but `"` and `\` here; Node refuses to send a
  // header with other characters (a typographic apostrophe made this a 500).
  const description = (error.detail ?? 'invalid token')
    .replace(/’/g, "'")
    .replace(/[^\x20-\x7E]|["\\]/g, '');
  return `${BEARER_CHALLENGE}, error="invalid_token", error_description="${description}"`;
}

/**
 * Global guard: every HTTP route needs `Authorization: Bearer <JWT>` unless marked
 * `@Public()`. A refusal is a 401 `unauthenticated` problem with the RFC 6750
 * `WWW-Authenticate` challenge.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<HttpRequest>();
    const response = http.getResponse<HttpResponse>();
    const token = bearerTokenOf(request.headers.authorization);
    if (!token) {
      response.header('WWW-Authenticate', BEARER_CHALLENGE);
      throw new UnauthenticatedError('This needs a bearer token.');
    }
    try {
      request.principal = await this.verifier.verify(token);
    } catch (error) {
      if (error instanceof UnauthenticatedError) {
        response.header('WWW-Authenticate', invalidTokenChallenge(error));
      }
      throw error;
    }
    return true;
  }
}
