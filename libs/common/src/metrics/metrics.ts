import { Injectable, OnModuleDestroy } from '@nestjs/common';
import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
  type LabelValues,
} from 'prom-client';

/** A value of a gauge read from the database when Prometheus scrapes. */
export interface GaugeReading {
  metric: ScrapedGauge;
  labels: Record<string, string>;
  value: number;
}

/**
 * Reads gauges at scrape time. `ttlMs` keeps its last answer for that long, so frequent
 * scrapes (or several Prometheus servers) do not repeat a query.
 */
export interface GaugeSource {
  name: string;
  ttlMs: number;
  read(): Promise<GaugeReading[]>;
}

/** What the command runner reports (see CommandRunner). */
export interface CommandObservation {
  command: string;
  seconds: number;
  outcome: 'appended' | 'unchanged' | 'failed';
  /** Types of the events it stored (none for a repeat). */
  eventTypes: readonly string[];
}

// Buckets for request and command latencies: a few ms to several seconds.
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
// Timer lateness: a timer fires within seconds of its due time unless the worker is behind.
const LATENESS_BUCKETS = [0.1, 0.5, 1, 2, 5, 15, 30, 60, 300, 900, 3600];

const PREFIX = 'shiming_';
const CALENDAR_RUNWAY_METRIC = `${PREFIX}calendar_runway_days`;

/**
 * Every series the service exposes, in one Prometheus registry per process. Counters
 * and histograms are updated where things happen; the gauges of
 * `SCRAPED_GAUGES` are filled from the database by the registered sources on scrape.
 */
@Injectable()
export class Metrics implements OnModuleDestroy {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: `${PREFIX}http_request_duration_seconds`,
    help: 'HTTP requests that reached a handler, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly commandDuration = new Histogram({
    name: `${PREFIX}command_duration_seconds`,
    help: 'Commands run by the command runner (load, decide, append), by command and outcome',
    labelNames: ['command', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly commandRetries = new Counter({
    name: `${PREFIX}command_conflict_retries_total`,
    help: 'Commands decided again after a version conflict, by command',
    labelNames: ['command'] as const,
    registers: [this.registry],
  });
  readonly eventsAppended = new Counter({
    name: `${PREFIX}events_appended_total`,
    help: 'Events stored by commands, by event type',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });
  readonly timersFired = new Counter({
    name: `${PREFIX}timers_fired_total`,
    help: 'Timers fired, by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly timerLateness = new Histogram({
    name: `${PREFIX}timer_lateness_seconds`,
    help: 'Time from a timer being due to its firing, by kind',
    labelNames: ['kind'] as const,
    buckets: LATENESS_BUCKETS,
    registers: [this.registry],
  });
  readonly outsideCallFailures = new Counter({
    name: `${PREFIX}outside_call_failures_total`,
    help: 'Failed attempts at calls to outside parties, by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly piiReveals = new Counter({
    name: `${PREFIX}pii_reveals_total`,
    help: 'Personal data revealed to staff in the back office, by field',
    labelNames: ['field'] as const,
    registers: [this.registry],
  });
  readonly rateLimitRefusals = new Counter({
    name: `${PREFIX}rate_limit_refusals_total`,
    help: 'Requests refused with 429 rate_limited, by limit',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });
  private readonly calendarRunway = new Gauge({
    name: CALENDAR_RUNWAY_METRIC,
    help: 'Days left until the end of the official holiday calendar the service knows',
    registers: [],
  });
  private readonly scraped = Object.fromEntries(
    SCRAPED_GAUGES.map(({ name, help, labels }) => [
      name,
      new Gauge({ name: `${PREFIX}${name}`, help, labelNames: labels, registers: [this.registry] }),
    ]),
  ) as Record<ScrapedGauge, Gauge>;

  private readonly sources: { source: GaugeSource; at: number; last: GaugeReading[] }[] = [];
  private refreshing: Promise<void> | null = null;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: PREFIX });
  }

  onModuleDestroy(): void {
    this.registry.clear();
  }

  /** Adds a reader of scrape-time gauges (timers, cases, lag…). */
  addSource(source: GaugeSource): void {
    this.sources.push({ source, at: 0, last: [] });
  }

  /**
   * Sets the days left in the official calendar. The series is absent until the first
   * call, so an alert on it cannot fire on a process that never computed it.
   */
  setCalendarRunwayDays(days: number): void {
    if (!this.registry.getSingleMetric(CALENDAR_RUNWAY_METRIC)) {
      this.registry.registerMetric(this.calendarRunway);
    }
    this.calendarRunway.set(days);
  }

  observeCommand({ command, seconds, outcome, eventTypes }: CommandObservation): void {
    this.commandDuration.observe({ command, outcome }, seconds);
    for (const type of eventTypes) this.eventsAppended.inc({ type });
  }

  commandRetried(command: string): void {
    this.commandRetries.inc({ command });
  }

  timerFired(kind: string, dueAt: Date, firedAt: Date): void {
    this.timersFired.inc({ kind });
    this.timerLateness.observe({ kind }, Math.max(0, firedAt.getTime() - dueAt.getTime()) / 1000);
  }

  httpRequest(labels: LabelValues<'method' | 'route' | 'status'>, seconds: number): void {
    this.httpDuration.observe(labels, seconds);
  }

  /** The exposition text, with the scrape-time gauges read first. */
  async scrape(): Promise<string> {
    await this.refresh();
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Names of every series this registry can expose (for checking rules and dashboards). */
  metricNames(): string[] {
    return [
      ...new Set([
        ...this.registry.getMetricsAsArray().map((metric) => metric.name),
        CALENDAR_RUNWAY_METRIC,
      ]),
    ];
  }

  private refresh(): Promise<void> {
    // Concurrent scrapes share one round of queries.
    this.refreshing ??= this.readSources().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async readSources(): Promise<void> {
    const now = Date.now();
    await Promise.all(
      this.sources.map(async (entry) => {
        if (entry.at > 0 && now - entry.at < entry.source.ttlMs) return;
        try {
          entry.last = await entry.source.read();
        } catch {
          // A source that cannot answer leaves its series out rather than failing the scrape.
          entry.last = [];
        }
        entry.at = now;
      }),
    );
    for (const gauge of Object.values(this.scraped)) gauge.reset();
    for (const { last } of this.sources) {
      for (const { metric, labels, value } of last) this.scraped[metric].set(labels, value);
    }
  }
}

/** The gauges read from the database at scrape time, without the `shiming_` prefix. */
export const SCRAPED_GAUGES = [
  {
    name: 'subscription_lag_events',
    help: 'Events in the log after a subscription checkpoint (by global position)',
    labels: ['subscription'],
  },
  {
    name: 'subscription_lag_seconds',
    help: 'Age of the oldest event a subscription has not processed yet (0 when caught up)',
    labels: ['subscription'],
  },
  {
    name: 'subscription_failed_attempts',
    help: 'Failed batches of a subscription since its last commit (0 = healthy)',
    labels: ['subscription'],
  },
  { name: 'timers_pending', help: 'Scheduled timers, by kind', labels: ['kind'] },
  {
    name: 'timers_overdue',
    help: 'Scheduled timers more than a minute past due, by kind',
    labels: ['kind'],
  },
  {
    name: 'outside_calls_backlog',
    help: 'Calls to outside parties not done yet, by kind',
    labels: ['kind'],
  },
  {
    name: 'outside_calls_failing',
    help: 'Calls to outside parties not done whose last attempt failed, by kind',
    labels: ['kind'],
  },
  { name: 'cases_open', help: 'Back-office cases not decided, by kind', labels: ['kind'] },
  { name: 'cases_escalated', help: 'Open cases escalated, by kind', labels: ['kind'] },
  {
    name: 'cases_sla_breached',
    help: 'Open cases past their due time, by kind',
    labels: ['kind'],
  },
  {
    name: 'db_pool_connections',
    help: 'PostgreSQL pool connections of this process, by state (total, idle, waiting)',
    labels: ['state'],
  },
] as const satisfies readonly { name: string; help: string; labels: readonly string[] }[];

export type ScrapedGauge = (typeof SCRAPED_GAUGES)[number]['name'];
