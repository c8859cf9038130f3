import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerOptions,
  type ThrottlerRequest,
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

const CALLER = Symbol('rate-limit caller');
type CountedRequest = FastifyRequest & { [CALLER]?: Caller };

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

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(NO_RATE_LIMIT, targets)) return true;
    const request = context.switchToHttp().getRequest<CountedRequest>();
    request[CALLER] = await this.callerOf(request);
    return super.canActivate(context);
  }

  protected override async handleRequest(props: ThrottlerRequest): Promise<boolean> {
    const { rateClass, dimension } = parse(props.throttler.name as string);
    const request = props.context.switchToHttp().getRequest<CountedRequest>();
    const tracker = request[CALLER]?.[dimension];
    if (tracker === undefined || !this.appliesTo(props.context, rateClass)) return true;
    return super.handleRequest({
      ...props,
      getTracker: () => tracker,
      generateKey: (_context, who, name) => `${name}:${who}`,
    });
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

  private appliesTo(context: ExecutionContext, rateClass: RateLimitClass): boolean {
    if (rateClass === 'default') return true;
    const classes = this.reflector.getAllAndOverride<RateLimitClass[] | undefined>(
      RATE_LIMIT_CLASSES,
      [context.getHandler(), context.getClass()],
    );
    return classes?.includes(rateClass) ?? false;
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
