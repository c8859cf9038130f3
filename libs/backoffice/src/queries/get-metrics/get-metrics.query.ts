import { Query } from '@nestjs/cqrs';
import type { CaseKind } from '../../domain';

export interface BacklogCounts {
  open: number;
  claimed: number;
  awaiting_user: number;
  awaiting_approval: number;
  escalated: number;
}

export interface DecisionTimes {
  decided: number;
  p50Ms: number | null;
  p90Ms: number | null;
  p99Ms: number | null;
}

export interface BackofficeMetrics {
  backlog: Record<CaseKind, BacklogCounts>;
  breaches: { open: number; last30Days: number };
  decisionTimes: Record<CaseKind, DecisionTimes>;
  at: string;
}

/** Backlog, SLA breaches, and decision-time percentiles over the last 30 days. */
export class GetMetricsQuery extends Query<BackofficeMetrics> {}
