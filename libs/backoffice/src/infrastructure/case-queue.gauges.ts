import { Inject, Injectable, OnModuleInit, Optional } from '@nestjs/common';
import { Metrics } from '@shiming/common';
import { CLOCK, type Clock } from '@shiming/workflow';
import { DataSource } from 'typeorm';

// Open cases are read through the queue's partial index (status <> 'decided').
const TTL_MS = 5_000;

/** Open, escalated and overdue back-office cases by kind, read at scrape time. */
@Injectable()
export class CaseQueueGauges implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() private readonly metrics?: Metrics,
  ) {}

  onModuleInit(): void {
    this.metrics?.addSource({
      name: 'cases',
      ttlMs: TTL_MS,
      read: async () => {
        const rows: { kind: string; open: string; escalated: string; breached: string }[] =
          await this.dataSource.query(
            `SELECT kind, count(*) AS open,
                    count(*) FILTER (WHERE escalated) AS escalated,
                    count(*) FILTER (WHERE due_at < $1) AS breached
             FROM case_queue WHERE status <> 'decided' GROUP BY kind`,
            [this.clock.now()],
          );
        return rows.flatMap(({ kind, open, escalated, breached }) => [
          { metric: 'cases_open' as const, labels: { kind }, value: Number(open) },
          { metric: 'cases_escalated' as const, labels: { kind }, value: Number(escalated) },
          { metric: 'cases_sla_breached' as const, labels: { kind }, value: Number(breached) },
        ]);
      },
    });
  }
}
