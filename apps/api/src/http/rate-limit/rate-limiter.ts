import {
  bearerTokenOf,
  type AppConfig,
  type Metrics,
  type Principal,
  type TokenVerifier,
} from '@shiming/common';
import type { RateLimitClass } from './rate-limit.decorator';
import type { RateLimitStorage, RateLimitWindow } from './rate-limit.storage';
import { RateLimitedError } from './rate-limited.error';

export type Dimension = 'ip' | 'account' | 'client';

/** Who a request counts against. */
export interface RateLimitCaller {
  ip: string;
  /** The `sub` of an account holder's or a staff member's token. */
  account?: string;
  /** The `sub` of a service token (the payments system). */
  client?: string;
}

interface Throttler {
  /** `<class>:<kind of caller>`, e.g. `guess:account`. */
  name: string;
  rateClass: RateLimitClass;
  dimension: Dimension;
  ttlMs: number;
  limit: number;
}

/** One window per class and kind of caller that has a limit, shortest window first. */
export function throttlersOf(limits: AppConfig['rateLimits']): Throttler[] {
  return Object.entries(limits)
    .flatMap(([name, limit]) =>
      (['ip', 'account', 'client'] as const)
        .filter((dimension) => limit[dimension] !== undefined)
        .map((dimension) => ({
          name: `${name}:${dimension}`,
          rateClass: name as RateLimitClass,
          dimension,
          ttlMs: limit.windowMs,
          limit: limit[dimension] as number,
        })),
    )
    .sort((first, second) => first.ttlMs - second.ttlMs);
}

/**
 * The caller of a request: its address, and the account or service client of its bearer
 * token when that verifies (a token that does not counts per address only, and
 * authentication then refuses it). `known` is a principal already verified.
 */
export async function rateLimitCallerOf(
  ip: string,
  authorization: string | string[] | undefined,
  verifier: TokenVerifier,
  known?: Principal,
): Promise<RateLimitCaller> {
  const token = known ? undefined : bearerTokenOf(authorization);
  const principal =
    known ?? (token ? await verifier.verify(token).catch(() => undefined) : undefined);
  if (!principal) return { ip };
  return principal.roles.includes('service')
    ? { ip, client: principal.sub }
    : { ip, account: principal.sub };
}

/**
 * Counts a request against the limits of its route's classes (`default`, and those of
 * `@RateLimit`) per IP address, per account and per service client, in one call to the
 * storage (one round trip to Redis). Shared by the guard and the routes answered before
 * Nest's pipeline, so that both count alike.
 */
export class RateLimiter {
  private readonly throttlers: readonly Throttler[];

  constructor(
    limits: AppConfig['rateLimits'],
    private readonly storage: RateLimitStorage,
    private readonly metrics: Metrics,
  ) {
    this.throttlers = throttlersOf(limits);
  }

  /** Undefined when the request may go on; otherwise the refusal to answer with. */
  async count(
    caller: RateLimitCaller,
    classes: readonly RateLimitClass[],
  ): Promise<RateLimitedError | undefined> {
    const windows: (RateLimitWindow & { name: string })[] = [];
    for (const throttler of this.throttlers) {
      const tracker = caller[throttler.dimension];
      if (tracker === undefined) continue;
      if (throttler.rateClass !== 'default' && !classes.includes(throttler.rateClass)) continue;
      windows.push({
        key: `${throttler.name}:${tracker}`,
        ttlMs: throttler.ttlMs,
        limit: throttler.limit,
        name: throttler.name,
      });
    }
    const blocked = await this.storage.incrementAll(windows);
    if (!blocked) return undefined;
    // The tracker (an IP, an account) stays out of the metric.
    this.metrics.rateLimitRefusals.inc({ limit: windows[blocked.index].name });
    return new RateLimitedError(Math.max(1, Math.ceil(blocked.record.timeToBlockExpire)));
  }
}
