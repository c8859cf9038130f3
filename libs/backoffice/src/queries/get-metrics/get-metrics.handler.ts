import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '@shiming/workflow';
import type { CaseKind } from '../../domain';
import { CaseQueueRepository } from '../../infrastructure/case-queue.repository';
import {
  GetMetricsQuery,
  type BackofficeMetrics,
  type BacklogCounts,
  type DecisionTimes,
} from './get-metrics.query';

const WINDOW_MS = 30 * 24 * 3600 * 1000;
const KINDS: CaseKind[] = ['manual_review', 'appeal'];

@QueryHandler(GetMetricsQuery)
export class GetMetricsHandler implements IQueryHandler<GetMetricsQuery> {
  constructor(
    private readonly queue: CaseQueueRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(): Promise<BackofficeMetrics> {
    const now = this.clock.now();
    const since = new Date(now.getTime() - WINDOW_MS);
    const [backlogRows, breaches, times] = await Promise.all([
      this.queue.backlog(),
      this.queue.breachesSince(since),
      this.queue.decisionTimes(since),
    ]);
    const backlog = Object.fromEntries(
      KINDS.map((kind) => [
        kind,
        { open: 0, claimed: 0, awaiting_user: 0, awaiting_approval: 0, escalated: 0 },
      ]),
    ) as Record<CaseKind, BacklogCounts>;
    for (const row of backlogRows) {
      const counts = backlog[row.kind];
      if (row.status in counts) counts[row.status as keyof BacklogCounts] += row.n;
      if (row.escalated) counts.escalated += row.n;
    }
    const decisionTimes = Object.fromEntries(
      KINDS.map((kind) => {
        const found = times.find((t) => t.kind === kind);
        return [
          kind,
          {
            decided: found?.decided ?? 0,
            p50Ms: found?.p50 ?? null,
            p90Ms: found?.p90 ?? null,
            p99Ms: found?.p99 ?? null,
          },
        ];
      }),
    ) as Record<CaseKind, DecisionTimes>;
    return {
      backlog,
      breaches: { open: breaches.open, last30Days: breaches.since },
      decisionTimes,
      at: now.toISOString(),
    };
  }
}
