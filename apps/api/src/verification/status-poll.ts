import { Injectable, type ArgumentsHost } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { QueryBus } from '@nestjs/cqrs';
import {
  BEARER_CHALLENGE,
  bearerTokenOf,
  ForbiddenError,
  httpStatusOfError,
  invalidTokenChallenge,
  IS_PUBLIC,
  Metrics,
  nameHttpSpan,
  ProblemDetailsFilter,
  REQUIRED_ROLES,
  TokenVerifier,
  UnauthenticatedError,
  type Principal,
  type Role,
} from '@shiming/common';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import {
  NO_RATE_LIMIT,
  RATE_LIMIT_CLASSES,
  type RateLimitClass,
} from '../http/rate-limit/rate-limit.decorator';
import { rateLimitCallerOf, RateLimiter } from '../http/rate-limit/rate-limiter';
import { answerStatus } from './status-answer';
import { VerificationController } from './verification.controller';

export const STATUS_PATH = '/v1/verification';

const STATUS_HANDLER = Object.getOwnPropertyDescriptor(VerificationController.prototype, 'status')
  ?.value as object;

/** A route's metadata as Nest's guards read it: the handler's first, then the controller's. */
function metadata<T>(key: string): T | undefined {
  return (Reflect.getMetadata(key, STATUS_HANDLER) ??
    Reflect.getMetadata(key, VerificationController)) as T | undefined;
}

/**
 * The status poll, `GET /v1/verification` without a query string, answered as soon as
 * the request arrives: apps poll it every few seconds, and Nest's pipeline costs it
 * more than its reads. It does what the pipeline does for this route, in the same
 * order and with the same services: the rate limits (RateLimiter, before
 * authentication, counting the account when the token verifies), the bearer token
 * (TokenVerifier, RFC 6750 challenge on a refusal), the route's roles, the request
 * metric and span name, then the controller's own answer (`answerStatus`) and every
 * refusal or failure through the global exception filter. The security headers, the
 * correlation id and the access log come from the hooks, as for every route. Anything
 * else (a query string, a body, `HEAD`) goes through Nest to the controller, which
 * documents the route.
 */
@Injectable()
export class StatusPoll {
  private readonly roles: readonly Role[];
  private readonly classes: readonly RateLimitClass[];
  private readonly filter = new ProblemDetailsFilter();

  constructor(
    private readonly verifier: TokenVerifier,
    private readonly limiter: RateLimiter,
    private readonly queries: QueryBus,
    private readonly metrics: Metrics,
  ) {
    // What this path assumes of the route; a change there must be made here too.
    const path = `/${String(Reflect.getMetadata(PATH_METADATA, VerificationController))}/${String(
      Reflect.getMetadata(PATH_METADATA, STATUS_HANDLER),
    )}`.replace(/\/+/g, '/');
    if (
      path.replace(/(.)\/$/, '$1') !== STATUS_PATH ||
      Reflect.getMetadata(METHOD_METADATA, STATUS_HANDLER) !== 0 /* RequestMethod.GET */ ||
      metadata<boolean>(IS_PUBLIC) ||
      metadata<boolean>(NO_RATE_LIMIT)
    ) {
      throw new Error('StatusPoll no longer matches VerificationController.status');
    }
    this.roles = metadata<Role[]>(REQUIRED_ROLES) ?? [];
    this.classes = metadata<RateLimitClass[]>(RATE_LIMIT_CLASSES) ?? [];
  }

  /** A Fastify `onRequest` hook; add it after the hooks of every route. */
  readonly hook = (
    request: FastifyRequest,
    reply: FastifyReply,
    done: HookHandlerDoneFunction,
  ): void => {
    if (
      request.method !== 'GET' ||
      request.url !== STATUS_PATH ||
      request.headers['content-length'] !== undefined ||
      request.headers['transfer-encoding'] !== undefined
    ) {
      done();
      return;
    }
    // Answered here: `done` is not called, so nothing after this hook runs but the
    // reply's own hooks (the access log).
    this.answer(request, reply).catch((error: unknown) => this.fail(error, request, reply));
  };

  private async answer(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const token = bearerTokenOf(request.headers.authorization);
    let principal: Principal | undefined;
    let refused: unknown;
    if (token) {
      try {
        principal = await this.verifier.verify(token);
      } catch (error) {
        refused = error;
      }
    }
    // RateLimitGuard.
    const caller = await rateLimitCallerOf(request.ip, undefined, this.verifier, principal);
    const limited = await this.limiter.count(caller, this.classes);
    if (limited) {
      void reply.header('Retry-After', String(limited.retryAfterSeconds));
      throw limited;
    }
    // JwtAuthGuard.
    if (!token) {
      void reply.header('WWW-Authenticate', BEARER_CHALLENGE);
      throw new UnauthenticatedError('This needs a bearer token.');
    }
    if (!principal) {
      if (refused instanceof UnauthenticatedError) {
        void reply.header('WWW-Authenticate', invalidTokenChallenge(refused));
      }
      throw refused;
    }
    (request as FastifyRequest & { principal?: Principal }).principal = principal;
    // RolesGuard.
    if (this.roles.length > 0 && !principal.roles.some((role) => this.roles.includes(role))) {
      throw new ForbiddenError(`This needs one of the roles: ${this.roles.join(', ')}.`);
    }
    // HttpMetricsInterceptor, then the controller.
    const started = process.hrtime.bigint();
    nameHttpSpan('GET', STATUS_PATH);
    const record = (status: number) =>
      this.metrics.httpRequest(
        { method: 'GET', route: STATUS_PATH, status: String(status) },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    try {
      await answerStatus(
        this.queries,
        {
          accountId: principal.sub,
          ifNoneMatch: header(request.headers['if-none-match']),
          acceptLanguage: header(request.headers['accept-language']),
        },
        reply,
      );
    } catch (error) {
      record(httpStatusOfError(error));
      throw error;
    }
    record(reply.statusCode);
  }

  /** As the global exception filter answers for a route of Nest's. */
  private fail(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
    const host = {
      getType: () => 'http',
      switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }),
    } as unknown as ArgumentsHost;
    this.filter.catch(error, host);
  }
}

// What `@Headers(name)` hands a handler: Node joins most repeated headers into one.
function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
