import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import {
  bearerTokenOf,
  Metrics,
  principalOf,
  TokenVerifier,
  type AppConfig,
} from '@shiming/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NO_RATE_LIMIT, RATE_LIMIT_CLASSES, type RateLimitClass } from './rate-limit.decorator';
import type { RateLimitStorage, RateLimitWindow } from './rate-limit.storage';
import { RateLimitedError } from './rate-limited.error';

export type Dimension = 'ip' | 'account' | 'client';

/** Who a request counts against, worked out once per request. */
interface Caller {
  ip: string;
  /** The `sub` of an account holder's or a staff member's token. */
  account?: string;
  /** The `sub` of a service token (the payments system). */
  client?: string;
}

/** One throttler per class and kind of caller that has a limit: `guess:account`. */
export function throttlersFor(limits: AppConfig['rateLimits']): ThrottlerOptions[] {
  return Object.entries(limits).flatMap(([name, limit]) =>
    (['ip', 'account', 'client'] as const)
      .filter((dimension) => limit[dimension] !== undefined)
      .map((dimension) => ({
        name: `${name}:${dimension}`,
        limit: limit[dimension] as number,
        ttl: limit.windowMs,
      })),
  );
}

function parse(name: string): { rateClass: RateLimitClass; dimension: Dimension } {
  const [rateClass, dimension] = name.split(':') as [RateLimitClass, Dimension];
  return { rateClass, dimension };
}

/**
 * The first global guard: counts each request against the limits of its route's
 * classes (`default`, and those of `@RateLimit`) per IP address, per account and per
 * service client, and refuses one over a limit with 429 `rate_limited` and
 * `Retry-After`. It runs before authentication, so that guessing tokens is limited
 * per IP too; it reads the bearer token itself to know the account, and a token that
 * does not verify counts per IP only (authentication then refuses it).
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly verifier: TokenVerifier,
    private readonly metrics: Metrics,
  ) {
    super(options, storage, reflector);
  }

  /**
   * Every window the request counts against (its route's classes × the kinds of
   * caller it has), counted in one call to the storage: one round trip to Redis.
   */
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(NO_RATE_LIMIT, targets)) return true;
    const caller = await this.callerOf(context.switchToHttp().getRequest<FastifyRequest>());
    const classes =
      this.reflector.getAllAndOverride<RateLimitClass[] | undefined>(RATE_LIMIT_CLASSES, targets) ??
      [];
    const windows: (RateLimitWindow & { tracker: string })[] = [];
    for (const throttler of this.throttlers) {
      const { rateClass, dimension } = parse(throttler.name as string);
      const tracker = caller[dimension];
      if (tracker === undefined) continue;
      if (rateClass !== 'default' && !classes.includes(rateClass)) continue;
      windows.push({
        key: `${throttler.name}:${tracker}`,
        ttlMs: throttler.ttl as number,
        limit: throttler.limit as number,
        tracker,
      });
    }
    const blocked = await (this.storageService as RateLimitStorage).incrementAll(windows);
    if (blocked) {
      const { key, ttlMs, limit, tracker } = windows[blocked.index];
      await this.throwThrottlingException(context, {
        ...blocked.record,
        key,
        tracker,
        ttl: ttlMs,
        limit,
      });
    }
    return true;
  }

  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const seconds = Math.max(1, Math.ceil(detail.timeToBlockExpire));
    // The key is `<class>:<kind of caller>:<tracker>`; the tracker (an IP, an account) stays out.
    this.metrics.rateLimitRefusals.inc({ limit: detail.key.slice(0, -detail.tracker.length - 1) });
    context.switchToHttp().getResponse<FastifyReply>().header('Retry-After', String(seconds));
    throw new RateLimitedError(seconds);
  }

  /**
   * The client's address: the socket's, or with `TRUST_PROXY` the one the trusted
   * proxies name (Fastify's `request.ip`; its `ips` run the other way than Express's).
   */
  protected override getTracker(request: Record<string, unknown>): Promise<string> {
    return Promise.resolve((request as unknown as FastifyRequest).ip);
  }

  private async callerOf(request: FastifyRequest): Promise<Caller> {
    const ip = await this.getTracker(request as unknown as Record<string, unknown>);
    const token = bearerTokenOf(request.headers.authorization);
    const principal =
      principalOf(request) ??
      (token ? await this.verifier.verify(token).catch(() => undefined) : undefined);
    if (!principal) return { ip };
    return principal.roles.includes('service')
      ? { ip, client: principal.sub }
      : { ip, account: principal.sub };
  }
}
