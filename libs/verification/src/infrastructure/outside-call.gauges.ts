import { Injectable, OnModuleInit, Optional } from '@nestjs/common';
import { Metrics } from '@shiming/common';
import { DataSource } from 'typeorm';

// The pending calls are few and indexed (done_at IS NULL); a short cache is enough.
const TTL_MS = 5_000;

/** The outside-call backlog by kind, read at scrape time. */
@Injectable()
export class OutsideCallGauges implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    @Optional() private readonly metrics?: Metrics,
  ) {}

  onModuleInit(): void {
    this.metrics?.addSource({
      name: 'outside_calls',
      ttlMs: TTL_MS,
      read: async () => {
        const rows: { kind: string; backlog: string; failing: string }[] =
          await this.dataSource.query(
            `SELECT kind, count(*) AS backlog,
                    count(*) FILTER (WHERE last_error IS NOT NULL) AS failing
             FROM verification_outside_calls WHERE done_at IS NULL GROUP BY kind`,
          );
        return rows.flatMap(({ kind, backlog, failing }) => [
          { metric: 'outside_calls_backlog' as const, labels: { kind }, value: Number(backlog) },
          { metric: 'outside_calls_failing' as const, labels: { kind }, value: Number(failing) },
        ]);
      },
    });
  }
}
