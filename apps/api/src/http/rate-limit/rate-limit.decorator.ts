import { SetMetadata } from '@nestjs/common';
import type { AppConfig } from '@shiming/common';

/** A class of routes with limits of its own (`RATE_LIMIT_<CLASS>`). */
export type RateLimitClass = keyof AppConfig['rateLimits'];

export const RATE_LIMIT_CLASSES = 'shiming:rate-limit:classes';
export const NO_RATE_LIMIT = 'shiming:rate-limit:none';

/**
 * The route counts against these classes' limits too, on top of the `default` limits
 * every route counts against: its tighter limits for costly or guessable steps.
 */
export const RateLimit = (...classes: Exclude<RateLimitClass, 'default'>[]) =>
  SetMetadata(RATE_LIMIT_CLASSES, classes);

/** The route is not limited at all (health probes). */
export const NoRateLimit = () => SetMetadata(NO_RATE_LIMIT, true);
