import { get } from 'node:http';
import { Test, type TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { Metrics, startInternalServer, type InternalServer } from '@shiming/common';
import { WorkerHealth } from '../../apps/worker/src/health/worker-health';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { testConfig } from '../support/app';
import { newIdNumber, png, Sandbox, type Account } from '../support/journey';

/** One sample of the exposition text: `name{a="b"} value`. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parse(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-z_:][a-z0-9_:]*)(?:\{(.*)\})? (\S+)$/i.exec(line);
      if (!match) throw new Error(`Not a sample: ${line}`);
      const labels = Object.fromEntries(
        [...(match[2] ?? '').matchAll(/([a-z_]+)="((?:[^"\\]|\\.)*)"/gi)].map((m) => [m[1], m[2]]),
      );
      return { name: match[1], labels, value: Number(match[3]) };
    });
}

function fetchText(port: number, path: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
    }).on('error', reject);
  });
}

const total = (samples: Sample[], name: string, labels: Record<string, string> = {}): number =>
  samples
    .filter((s) => s.name === name)
    .filter((s) => Object.entries(labels).every(([key, value]) => s.labels[key] === value))
    .reduce((sum, s) => sum + s.value, 0);

describe('ops: /metrics of the api and of the worker after a manual review', () => {
  let sandbox: Sandbox;
  let worker: TestingModule;
  let apiServer: InternalServer;
  let workerServer: InternalServer;

  beforeAll(async () => {
    sandbox = await Sandbox.start();
    // The api without background work, and a worker of its own: two registries, as in production.
    await sandbox.stopWorker();
    const config = testConfig(sandbox.db.url, {
      SANDBOX: 'true',
      DOCUMENTS_ROOT: sandbox.documentsDirectory,
    });
    worker = await Test.createTestingModule({ imports: [WorkerModule.forRoot(config)] }).compile();
    worker.useLogger(false);
    await worker.init();
    const health = worker.get(WorkerHealth);
    apiServer = await startInternalServer({ port: 0, metrics: sandbox.app.get(Metrics) });
    workerServer = await startInternalServer({
      port: 0,
      metrics: worker.get(Metrics),
      health: { live: () => health.live(), ready: () => health.ready() },
    });
  });

  afterAll(async () => {
    await apiServer?.close();
    await workerServer?.close();
    await worker?.close();
    await sandbox?.stop();
  });

  async function applied(account: Account): Promise<string> {
    await account.start();
    await account.submitIdentity(newIdNumber('999'));
    const response = await account
      .upload('/v1/verification/manual-review', { certificates: [png(), png()] })
      .expect(202);
    return response.body.case.id as string;
  }

  it('counts the requests, commands, events, reveals, timers and cases of the journey', async () => {
    const decided = await sandbox.account();
    const caseId = await applied(decided);
    const reviewer = await sandbox.staff(['reviewer']);
    await reviewer.take(caseId);
    await reviewer
      .post(`/v1/backoffice/cases/${caseId}/reveal`, {
        field: 'name',
        justification: 'Comparing the certificates with the applicant',
      })
      .expect(200);
    await reviewer.decide(caseId, { outcome: 'approve' }).expect(200);
    await decided.waitForState('bank_card_required');
    // A second case is left open past its 48-hour promise: escalated by its timer.
    const open = await sandbox.account();
    const openCaseId = await applied(open);
    // Opened (its timer armed) before the clock moves.
    await reviewer.caseOf(openCaseId);
    await sandbox.advance('PT49H');
    await reviewer.queueUntil({}, (items) =>
      items.some((item) => item.id === openCaseId && item.escalated === true),
    );

    const api = await fetchText(apiServer.port, '/metrics');
    expect(api.status).toBe(200);
    const apiSamples = parse(api.text);
    expect(
      total(apiSamples, 'shiming_http_request_duration_seconds_count', {
        method: 'POST',
        route: '/v1/backoffice/cases/:caseId/decision',
        status: '200',
      }),
    ).toBe(1);
    // The status Nest answers with (202 by @HttpCode), set after the handler returns.
    expect(
      total(apiSamples, 'shiming_http_request_duration_seconds_count', {
        method: 'POST',
        route: '/v1/verification/manual-review',
        status: '202',
      }),
    ).toBe(2);
    // Route patterns only: no id of an account or a case in a label.
    expect(api.text).not.toContain(caseId);
    expect(total(apiSamples, 'shiming_command_duration_seconds_count')).toBeGreaterThan(0);
    expect(total(apiSamples, 'shiming_events_appended_total')).toBeGreaterThan(0);
    expect(total(apiSamples, 'shiming_pii_reveals_total', { field: 'name' })).toBe(1);
    // The sandbox clock fires the timers in the process that moved it.
    expect(total(apiSamples, 'shiming_timers_fired_total')).toBeGreaterThan(0);
    expect(total(apiSamples, 'shiming_timer_lateness_seconds_count')).toBeGreaterThan(0);
    expect(total(apiSamples, 'shiming_db_pool_connections', { state: 'total' })).toBeGreaterThan(0);
    expect(total(apiSamples, 'shiming_nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(api.text).toContain('# TYPE shiming_nodejs_eventloop_lag_seconds gauge');

    const scrape = async () => parse((await fetchText(workerServer.port, '/metrics')).text);
    const workerSamples = await sandbox.eventually(async () => {
      const samples = await scrape();
      expect(total(samples, 'shiming_cases_escalated', { kind: 'manual_review' })).toBe(1);
      // Past due by the worker's test clock, which follows the moved one within moments.
      expect(total(samples, 'shiming_cases_sla_breached', { kind: 'manual_review' })).toBe(1);
      return samples;
    }, 30_000);
    expect(total(workerSamples, 'shiming_cases_open', { kind: 'manual_review' })).toBe(1);
    // The worker ran the reactions: commands and events of its own.
    expect(total(workerSamples, 'shiming_command_duration_seconds_count')).toBeGreaterThan(0);
    expect(total(workerSamples, 'shiming_events_appended_total')).toBeGreaterThan(0);
    const subscriptions = workerSamples.filter((s) => s.name === 'shiming_subscription_lag_events');
    expect(subscriptions.length).toBeGreaterThan(0);
    for (const lag of workerSamples.filter((s) => s.name.startsWith('shiming_subscription_lag'))) {
      expect(lag.value).toBeGreaterThanOrEqual(0);
    }
    expect(total(workerSamples, 'shiming_timers_pending')).toBeGreaterThanOrEqual(0);
    expect(total(workerSamples, 'shiming_timers_overdue')).toBe(0);
    expect(total(workerSamples, 'shiming_subscription_failed_attempts')).toBe(0);
    const workerText = (await fetchText(workerServer.port, '/metrics')).text;
    for (const name of [
      'shiming_outside_calls_backlog',
      'shiming_outside_calls_failing',
      'shiming_outside_call_failures_total',
      'shiming_rate_limit_refusals_total',
      'shiming_command_conflict_retries_total',
    ]) {
      expect(workerText).toContain(`# TYPE ${name} `);
    }
    // The engine reports the days left in the calendar's data (a whole number of days).
    expect(workerText).toMatch(/^shiming_calendar_runway_days -?\d+$/m);
  });

  it('serves the worker probes on its internal port', async () => {
    const live = await fetchText(workerServer.port, '/health/live');
    expect(live.status).toBe(200);
    const ready = await sandbox.eventually(async () => {
      const answer = await fetchText(workerServer.port, '/health/ready');
      expect(answer.status).toBe(200);
      return JSON.parse(answer.text);
    });
    expect(ready).toMatchObject({
      status: 'ok',
      details: {
        database: { status: 'up' },
        timers: { status: 'up' },
        subscriptions: { status: 'up' },
      },
    });
  });

  it('is not ready while a subscription fails its batches, and names it', async () => {
    const dataSource = worker.get(DataSource);
    const [{ subscription_id: subscription }] = await dataSource.query(
      `SELECT subscription_id FROM es_checkpoints ORDER BY subscription_id LIMIT 1`,
    );
    // What the runner records when a batch fails (attempts since its last commit).
    await dataSource.query(
      `UPDATE es_checkpoints SET attempts = 3, last_error = 'boom', failed_at = now()
       WHERE subscription_id = $1`,
      [subscription],
    );
    try {
      const answer = await fetchText(workerServer.port, '/health/ready');
      expect(answer.status).toBe(503);
      expect(JSON.parse(answer.text)).toMatchObject({
        status: 'error',
        error: { subscriptions: { status: 'down', stuck: [subscription] } },
      });
    } finally {
      await dataSource.query(`UPDATE es_checkpoints SET attempts = 0 WHERE subscription_id = $1`, [
        subscription,
      ]);
    }
    expect((await fetchText(workerServer.port, '/health/ready')).status).toBe(200);
  });
  it('is not ready while a subscription is further behind than the bound, and names it', async () => {
    const dataSource = worker.get(DataSource);
    // A subscription that stopped at the log's head, as one whose process hangs would.
    const subscription = 'ops-readiness-behind';
    await dataSource.query(
      `INSERT INTO es_checkpoints (subscription_id, transaction_id, global_position)
       SELECT $1, transaction_id, global_position FROM es_events
        ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
      [subscription],
    );
    try {
      await applied(await sandbox.account());
      // Behind by events, but by less than READY_MAX_SUBSCRIPTION_LAG_SECONDS (300): ready.
      const within = await fetchText(workerServer.port, '/health/ready');
      expect(within.status).toBe(200);
      const behind = JSON.parse(within.text).details.subscriptions[subscription];
      expect(behind.lagEvents).toBeGreaterThan(0);
      expect(behind.lagSeconds).toBeLessThanOrEqual(300);

      // The others caught up first: an event they had still to read when the clock
      // moved would be ten minutes old for them too.
      await sandbox.eventually(async () => {
        const { details } = JSON.parse((await fetchText(workerServer.port, '/health/ready')).text);
        const others = Object.entries(
          details.subscriptions as Record<string, { lagEvents?: number }>,
        ).filter(([name, lag]) => name !== subscription && typeof lag === 'object');
        expect(others.filter(([, lag]) => lag.lagEvents !== 0)).toEqual([]);
      });
      // Ten minutes on (the worker's test clock follows): its oldest event is past the bound.
      await sandbox.advance('PT10M');
      const answer = await sandbox.eventually(async () => {
        const ready = await fetchText(workerServer.port, '/health/ready');
        expect(ready.status).toBe(503);
        return JSON.parse(ready.text);
      });
      expect(answer).toMatchObject({
        status: 'error',
        error: {
          subscriptions: { status: 'down', stuck: [subscription], maxLagSeconds: 300 },
        },
      });
      expect(answer.error.subscriptions[subscription].lagSeconds).toBeGreaterThan(300);
    } finally {
      await dataSource.query(`DELETE FROM es_checkpoints WHERE subscription_id = $1`, [
        subscription,
      ]);
    }
    expect((await fetchText(workerServer.port, '/health/ready')).status).toBe(200);
  });
});
