import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { AppConfig, InjectConfig } from '@shiming/common';
import Redis from 'ioredis';

/**
 * Readiness of Redis: a PING on a connection of its own, answered within a deadline.
 * Without Redis configured there is nothing to check (`configured` is false).
 */
@Injectable()
export class RedisHealthIndicator implements OnModuleInit, OnModuleDestroy {
  private readonly redis: Redis | null = null;

  constructor(
    @InjectConfig() config: AppConfig,
    private readonly indicator: HealthIndicatorService,
  ) {
    if (!config.redisUrl) return;
    this.redis = new Redis(config.redisUrl, {
      lazyConnect: true,
      connectTimeout: 1000,
      // A probe must fail at once while Redis is away, not wait in a queue for it.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: (attempt) => Math.min(attempt * 500, 5000),
      // Closing must not hold the process (ioredis waits 2 s for a dead socket by default).
      disconnectTimeout: 200,
    });
    // The check reports the state; connection errors need no log line of their own.
    this.redis.on('error', () => undefined);
  }

  get configured(): boolean {
    return this.redis !== null;
  }

  async onModuleInit(): Promise<void> {
    if (!this.redis) {
      new Logger('Health').log('No Redis configured: readiness checks PostgreSQL only');
      return;
    }
    await this.redis.connect().catch(() => undefined);
  }

  async onModuleDestroy(): Promise<void> {
    if (!this.redis) return;
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => undefined);
    this.redis.disconnect();
  }

  async pingCheck<Key extends string>(
    key: Key,
    timeoutMs: number,
  ): Promise<HealthIndicatorResult<Key>> {
    const check = this.indicator.check(key);
    if (!this.redis) return check.down({ message: 'no Redis configured' });
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.redis.ping(),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`timeout of ${timeoutMs}ms exceeded`)),
            timeoutMs,
          );
        }),
      ]);
      return check.up();
    } catch (error) {
      return check.down({ message: error instanceof Error ? error.message : String(error) });
    } finally {
      clearTimeout(timer);
    }
  }
}
