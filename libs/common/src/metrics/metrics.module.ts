import { Global, Injectable, Module, OnModuleInit, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Metrics } from './metrics';
import { HttpMetricsInterceptor } from './http-metrics.interceptor';

interface PgPool {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/** Reports the PostgreSQL pool of this process's DataSource. */
@Injectable()
class PoolUsage implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    @Optional() private readonly dataSource?: DataSource,
  ) {}

  onModuleInit(): void {
    const dataSource = this.dataSource;
    if (!dataSource) return;
    this.metrics.addSource({
      name: 'db_pool',
      ttlMs: 0,
      read: async () => {
        const pool = (dataSource.driver as unknown as { master?: PgPool }).master;
        if (!pool) return [];
        return [
          ['total', pool.totalCount],
          ['idle', pool.idleCount],
          ['waiting', pool.waitingCount],
        ].map(([state, value]) => ({
          metric: 'db_pool_connections' as const,
          labels: { state: state as string },
          value: value as number,
        }));
      },
    });
  }
}

/**
 * The process's Prometheus registry (`Metrics`), global so that any module can count
 * what it does, and the HTTP interceptor the api installs.
 */
@Global()
@Module({
  providers: [Metrics, HttpMetricsInterceptor, PoolUsage],
  exports: [Metrics, HttpMetricsInterceptor],
})
export class MetricsModule {}
