import { DynamicModule, Inject, Logger, Module, OnModuleInit } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Metrics, type AppConfig } from '@shiming/common';
import { RateLimitGuard } from './rate-limit.guard';
import {
  MemoryRateLimitStorage,
  RedisRateLimitStorage,
  type RateLimitStorage,
} from './rate-limit.storage';
import { RateLimiter } from './rate-limiter';

const RATE_LIMIT_STORAGE = Symbol('RateLimitStorage');

/** Redis when the api has one, so that every process shares the counts; memory otherwise. */
export function rateLimitStorageFor(
  config: Pick<AppConfig, 'redisUrl' | 'queuePrefix'>,
): RateLimitStorage {
  return config.redisUrl
    ? new RedisRateLimitStorage(config.redisUrl, config.queuePrefix)
    : new MemoryRateLimitStorage();
}

/**
 * Rate limits per IP address, account and service client (DESIGN §5), configured by
 * class of route (`RATE_LIMIT_*`). Import it before AuthModule: its guard must run
 * first (see RateLimitGuard). Global: routes answered before Nest's pipeline count
 * through the same RateLimiter.
 */
@Module({})
export class RateLimitModule implements OnModuleInit {
  private readonly logger = new Logger('RateLimit');

  constructor(@Inject(RATE_LIMIT_STORAGE) private readonly storage: RateLimitStorage) {}

  static forRoot(config: AppConfig): DynamicModule {
    const storage = rateLimitStorageFor(config);
    return {
      module: RateLimitModule,
      global: true,
      providers: [
        { provide: RATE_LIMIT_STORAGE, useValue: storage },
        {
          provide: RateLimiter,
          useFactory: (metrics: Metrics) => new RateLimiter(config.rateLimits, storage, metrics),
          inject: [Metrics],
        },
        // Only Retry-After, on a refusal: X-RateLimit headers per class and kind of
        // caller would say more about the limits than clients need.
        { provide: APP_GUARD, useClass: RateLimitGuard },
      ],
      exports: [RateLimiter],
    };
  }

  onModuleInit(): void {
    this.logger.log(this.storage.description);
  }
}
