import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import {
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
  type HealthCheckResult,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import { AppConfig, InjectConfig, type ProbeAnswer } from '@shiming/common';
import { readSubscriptionLag } from '@shiming/event-store';
import { CLOCK, TimerProcessor, type Clock } from '@shiming/workflow';
import { DataSource } from 'typeorm';

// Short deadlines: a probe that hangs is worse than one that says "down".
const DATABASE_TIMEOUT_MS = 1500;
const REDIS_TIMEOUT_MS = 1000;

/**
 * The worker's probes, served on its internal port: live while the process answers;
 * ready while PostgreSQL answers, the timers' wake-up worker runs on a Redis that
 * answers, and no subscription is failing or further behind than the configured bound.
 */
@Injectable()
export class WorkerHealth {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly dataSource: DataSource,
    private readonly moduleRef: ModuleRef,
    @InjectConfig() private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  live(): Promise<ProbeAnswer> {
    return this.answer([
      async () =>
        this.indicator.check('process').up({ uptimeSeconds: Math.floor(process.uptime()) }),
    ]);
  }

  ready(): Promise<ProbeAnswer> {
    return this.answer([
      () => this.database.pingCheck('database', { timeout: DATABASE_TIMEOUT_MS }),
      () => this.timerWakeUp(),
      () => this.subscriptions(),
    ]);
  }

  private async answer(checks: (() => Promise<HealthIndicatorResult>)[]): Promise<ProbeAnswer> {
    try {
      const result: HealthCheckResult = await this.health.check(checks);
      return { ok: true, body: result };
    } catch (error) {
      if (error instanceof ServiceUnavailableException) {
        return { ok: false, body: error.getResponse() };
      }
      throw error;
    }
  }

  private async timerWakeUp(): Promise<HealthIndicatorResult<'timers'>> {
    const check = this.indicator.check('timers');
    const processor = this.processor();
    if (!processor) return check.up({ worker: 'not in this process' });
    if (!processor.worker.isRunning())
      return check.down({ message: 'the timer worker is stopped' });
    try {
      // BullMQ's client is an ioredis connection; its type names only what BullMQ uses.
      const client = (await processor.worker.client) as unknown as { ping(): Promise<string> };
      await withTimeout(client.ping(), REDIS_TIMEOUT_MS);
      return check.up();
    } catch (error) {
      return check.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }

  private async subscriptions(): Promise<HealthIndicatorResult<'subscriptions'>> {
    const check = this.indicator.check('subscriptions');
    const bound = this.config.ops.readyMaxSubscriptionLagSeconds;
    try {
      const lags = await withTimeout(
        readSubscriptionLag(this.dataSource, this.clock.now()),
        DATABASE_TIMEOUT_MS,
      );
      const details = Object.fromEntries(
        lags.map((lag) => [
          lag.subscriptionId,
          {
            lagEvents: lag.events,
            lagSeconds: Math.round(lag.seconds),
            failedAttempts: lag.attempts,
          },
        ]),
      );
      const stuck = lags
        .filter((lag) => lag.attempts > 0 || lag.seconds > bound)
        .map((lag) => lag.subscriptionId);
      return stuck.length === 0
        ? check.up(details)
        : check.down({ ...details, stuck, maxLagSeconds: bound });
    } catch (error) {
      return check.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }

  private processor(): TimerProcessor | undefined {
    try {
      return this.moduleRef.get(TimerProcessor, { strict: false });
    } catch {
      return undefined;
    }
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timeout of ${ms}ms exceeded`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
