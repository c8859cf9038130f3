import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { AppConfig } from '@shiming/common';

/** A class of routes with limits of its own (`RATE_LIMIT_<CLASS>`). */
export type RateLimitClass = keyof AppConfig['rateLimits'];

export const RATE_LIMIT_CLASSES = 'shiming:rate-limit:classes';
export const NO_RATE_LIMIT = 'shiming:rate-limit:none';
/** The OpenAPI extension naming the classes a route counts against, or `none`. */
export const RATE_LIMIT_EXTENSION = 'x-rate-limit';

/**
 * The route counts against these classes' limits too, on top of the `default` limits
 * every route counts against: its tighter limits for costly or guessable steps.
 */
export const RateLimit = (...classes: Exclude<RateLimitClass, 'default'>[]) =>
  applyDecorators(
    SetMetadata(RATE_LIMIT_CLASSES, classes),
    ApiExtension(RATE_LIMIT_EXTENSION, ['default', ...classes]),
  );

/** The route is not limited at all (health probes). */
export const NoRateLimit = () =>
  applyDecorators(SetMetadata(NO_RATE_LIMIT, true), ApiExtension(RATE_LIMIT_EXTENSION, 'none'));
