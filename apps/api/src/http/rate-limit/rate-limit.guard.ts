import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { principalOf, TokenVerifier } from '@shiming/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NO_RATE_LIMIT, RATE_LIMIT_CLASSES, type RateLimitClass } from './rate-limit.decorator';
import { rateLimitCallerOf, RateLimiter } from './rate-limiter';

/**
 * The first global guard: counts each request against the limits of its route's
 * classes (see RateLimiter), and refuses one over a limit with 429 `rate_limited` and
 * `Retry-After`. It runs before authentication, so that guessing tokens is limited
 * per IP too; it reads the bearer token itself to know the account, and a token that
 * does not verify counts per IP only (authentication then refuses it). The client's
 * address is the socket's, or with `TRUST_PROXY` the one the trusted proxies name
 * (Fastify's `request.ip`).
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
    private readonly limiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(NO_RATE_LIMIT, targets)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const caller = await rateLimitCallerOf(
      request.ip,
      request.headers.authorization,
      this.verifier,
      principalOf(request),
    );
    const classes =
      this.reflector.getAllAndOverride<RateLimitClass[] | undefined>(RATE_LIMIT_CLASSES, targets) ??
      [];
    const refusal = await this.limiter.count(caller, classes);
    if (refusal) {
      context
        .switchToHttp()
        .getResponse<FastifyReply>()
        .header('Retry-After', String(refusal.retryAfterSeconds));
      throw refusal;
    }
    return true;
  }
}
