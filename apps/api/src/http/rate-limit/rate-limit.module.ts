import { DynamicModule, Inject, Logger, Module, OnModuleInit } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import type { AppConfig } from '@shiming/common';
import { RateLimitGuard, throttlersFor } from './rate-limit.guard';
import {
  MemoryRateLimitStorage,
  RedisRateLimitStorage,
  type RateLimitStorage,
} from './rate-limit.storage';

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
 * first (see RateLimitGuard).
 */
@Module({})
export class RateLimitModule implements OnModuleInit {
  private readonly logger = new Logger('RateLimit');

  constructor(@Inject(RATE_LIMIT_STORAGE) private readonly storage: RateLimitStorage) {}

  static forRoot(config: AppConfig): DynamicModule {
    const storage = rateLimitStorageFor(config);
    return {
      module: RateLimitModule,
      imports: [
        ThrottlerModule.forRoot({
          throttlers: throttlersFor(config.rateLimits),
          storage,
          // Only Retry-After, on a refusal: one set of X-RateLimit headers per class
          // and kind of caller would say more about the limits than clients need.
          setHeaders: false,
        }),
      ],
      providers: [
        { provide: RATE_LIMIT_STORAGE, useValue: storage },
        { provide: APP_GUARD, useClass: RateLimitGuard },
      ],
    };
  }

  onModuleInit(): void {
    this.logger.log(this.storage.description);
  }
}
