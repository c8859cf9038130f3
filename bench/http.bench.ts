import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { loadConfig, redisConnectionOptions } from '@shiming/common';
import { benchDatabase, percentiles, type Latencies } from './support';
import type { LoadInput, LoadResult } from './http/autocannon.child';
import {
  DatabaseStats,
  LagSampler,
  STATS_SETTLE_MS,
  type DatabaseCounters,
  type LagReport,
} from './http/database-stats';
import type { JourneyInput, JourneyResult } from './http/journeys.child';
import {
  assertAlive,
  childPort,
  cpuSecondsOf,
  forkChild,
  freePort,
  runChild,
  startService,
  stop,
  waitForHttp,
  withCleanup,
  type Service,
} from './http/processes';

// A name of this run's own: two runs on one machine must not drop each other's database
// or count each other's transactions.
const DATABASE = `shiming_bench_http_${randomUUID().slice(0, 8)}`;
const API = 'dist/apps/api/src/main.js';
const WORKER = 'dist/apps/worker/src/main.js';

type Topology = 'separate' | 'single';
const TOPOLOGY_NAMES: Record<Topology, string> = {
  separate: 'api + worker (2 processes)',
  single: 'api --with-worker (1 process)',
};

// One client sends every request from 127.0.0.1, the status poll with one token: the
// limiter still counts each request (its Redis round trip is part of the path), but
// never refuses one.
const HIGH = 'window:60,ip:100000000,account:100000000,client:100000000';
const RATE_LIMITS = Object.fromEntries(
  ['DEFAULT', 'IDENTITY_CHECK', 'SMS', 'GUESS', 'UPLOAD', 'SANDBOX_TOKEN'].map((name) => [
    `RATE_LIMIT_${name}`,
    HIGH,
  ]),
);

interface Settings {
  /** Length of each autocannon run. */
  seconds: number;
  journeySeconds: number;
  idleSeconds: number;
  users: number[];
  connections: number;
  topologies: Topology[];
  /** Whether the routes are measured with autocannon (`BENCH_HTTP_PARTS` names `routes`). */
  routes: boolean;
  /** Whether the idle count and the journeys run (`BENCH_HTTP_PARTS` names `journeys`). */
  journeys: boolean;
}

function settings(seconds: number): Settings {
  const list = (value: string | undefined, fallback: string) =>
    (value ?? fallback).split(',').map((item) => item.trim());
  const topologies = list(process.env.BENCH_TOPOLOGY, 'separate,single');
  for (const topology of topologies) {
    if (topology !== 'separate' && topology !== 'single') {
      throw new Error(`BENCH_TOPOLOGY: "${topology}" is neither separate nor single`);
    }
  }
  const parts = list(process.env.BENCH_HTTP_PARTS, 'routes,journeys');
  for (const part of parts) {
    if (part !== 'routes' && part !== 'journeys') {
      throw new Error(`BENCH_HTTP_PARTS: "${part}" is neither routes nor journeys`);
    }
  }
  return {
    seconds,
    journeySeconds: Number(process.env.BENCH_JOURNEY_SECONDS ?? seconds * 2),
    idleSeconds: Number(process.env.BENCH_IDLE_SECONDS ?? 10),
    users: list(process.env.BENCH_USERS, '16,64').map(Number),
    connections: Number(process.env.BENCH_CONNECTIONS ?? 32),
    topologies: topologies as Topology[],
    routes: parts.includes('routes'),
    journeys: parts.includes('journeys'),
  };
}

interface Endpoint {
  name: string;
  load: LoadResult;
  /** Requests/s of the floor measured around this route's run. */
  floor: number;
  /** Answers of another status than the one expected (429s, 5xx…). */
  unexpected: number;
}

interface JourneyRun {
  users: number;
  result: JourneyResult;
  latency: Latencies;
  lag: LagReport;
  transactionsPerJourney: number;
  rowWritesPerJourney: number;
  /** CPU of each service and of the driver over the run, in % of one core. */
  cpu: Record<string, number | null>;
  /** Transactions left open for over 10 s at the end of the run, by application. */
  stuck: Record<string, number>;
}

interface TopologyFigures {
  topology: Topology;
  endpoints: Endpoint[];
  idleTransactionsPerSecond: number;
  journeys: JourneyRun[];
}

/**
 * The service as production runs it (`npm run build` output, one process per role or
 * the worker inside the api), driven over HTTP only: autocannon against a bare
 * `node:http` server and a few routes, then full journeys at several numbers of
 * concurrent users, with the database's transactions and the subscriptions' lag.
 */
export async function benchHttp(seconds: number): Promise<void> {
  const options = settings(seconds);
  console.log(
    `\n## HTTP and journeys (built service; ${options.seconds} s per route at ${options.connections} connections, ` +
      (options.journeys
        ? `${options.journeySeconds} s of journeys at ${options.users.join(' and ')} users)\n`
        : 'routes only)\n'),
  );
  // The figures are those of the code in this checkout, never of a stale build.
  execFileSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' });
  const figures: TopologyFigures[] = [];
  for (const topology of options.topologies) {
    figures.push(await measureTopology(topology, options));
  }
  printSummary(figures, options);
}

async function measureTopology(topology: Topology, options: Settings): Promise<TopologyFigures> {
  console.log(`\n### ${TOPOLOGY_NAMES[topology]}\n`);
  const config = loadConfig();
  const prefix = `shiming-bench-http-${randomUUID().slice(0, 8)}`;
  const workDirectory = await mkdtemp(join(tmpdir(), 'shiming-bench-http-'));
  let db: Awaited<ReturnType<typeof benchDatabase>> | undefined;
  let stats: DatabaseStats | undefined;
  let lag: LagSampler | undefined;
  const cleanup = async () => {
    await lag?.close().catch(() => undefined);
    await stats?.close().catch(() => undefined);
    await db?.drop();
    if (config.redisUrl) await deleteKeys(config.redisUrl, prefix);
    await rm(workDirectory, { recursive: true, force: true });
  };
  return withCleanup(cleanup, async () => {
    // Created and migrated here, so the services start on an up-to-date schema.
    db = await benchDatabase(DATABASE);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = serviceEnv({
      PORT: String(port),
      DATABASE_URL: db.url,
      REDIS_URL: config.redisUrl ?? '',
      QUEUE_PREFIX: prefix,
      DOCUMENTS_ROOT: join(workDirectory, 'documents'),
    });
    // Each process its own metrics port: on the default one, the second to start
    // (or a process of another run on the machine) would fail.
    const own = async () => ({ ...env, METRICS_PORT: String(await freePort()) });
    const services: Service[] =
      topology === 'separate'
        ? [
            startService('api', API, [], await own(), workDirectory),
            startService('worker', WORKER, [], await own(), workDirectory),
          ]
        : [startService('api', API, ['--with-worker'], await own(), workDirectory)];
    const api = services[0];
    await waitForHttp(api, `${base}/health/live`);
    const clock = (await (await fetch(`${base}/v1/sandbox/clock`)).json()) as { offsetMs: number };
    const admin = new URL(db.url);
    admin.pathname = '/postgres';
    stats = await DatabaseStats.open(admin.toString(), DATABASE);
    lag = await LagSampler.open(db.url, clock.offsetMs);

    // Warm-up: every path of a journey once compiled, the pools filled, the worker's
    // subscriptions seen working through the log.
    let serial = 1;
    const journeys = async (users: number, seconds: number) => {
      const result = await runChild<JourneyInput, JourneyResult>(
        'journeys.child.ts',
        { baseUrl: base, users, seconds, firstSerial: serial, runId: topology },
        (seconds + 120) * 1000,
      );
      serial = result.nextSerial;
      services.forEach(assertAlive);
      return result;
    };
    const warm = await journeys(4, 3);
    if (!warm.sampleAccountId) {
      throw new Error(
        `No journey completed in the warm-up: ${JSON.stringify(warm.failures)}\n${api.logTail()}`,
      );
    }
    await lag.caughtUp();

    reportErrors(services, 'in the warm-up');
    const endpoints = options.routes
      ? await measureEndpoints(base, warm.sampleAccountId, options)
      : [];
    services.forEach(assertAlive);
    reportErrors(services, 'under the load on the routes');
    if (!options.journeys) {
      return { topology, endpoints, idleTransactionsPerSecond: Number.NaN, journeys: [] };
    }

    // Idle: nothing but what the services do by themselves.
    await sleep(STATS_SETTLE_MS);
    const idleStart = await stats.read();
    await sleep(options.idleSeconds * 1000);
    let previous = await stats.read();
    const idleRate =
      (previous.transactions - idleStart.transactions) / ((previous.at - idleStart.at) / 1000);
    console.log(`Idle: ${idleRate.toFixed(1)} transactions/s over ${options.idleSeconds} s`);

    const runs: JourneyRun[] = [];
    for (const users of options.users) {
      const cpuBefore = services.map((service) => cpuSecondsOf(service.child.pid));
      const t0 = performance.now();
      lag.start();
      const result = await journeys(users, options.journeySeconds);
      const lagReport = await lag.stop();
      const loadEnd = performance.now();
      const stuck = await stats.stuckTransactions(10);
      reportErrors(services, `at ${users} users`);
      const cpu: Record<string, number | null> = { driver: result.cpuPercent };
      services.forEach((service, i) => {
        const before = cpuBefore[i];
        const after = cpuSecondsOf(service.child.pid);
        cpu[service.name] =
          before === null || after === null
            ? null
            : ((after - before) / ((loadEnd - t0) / 1000)) * 100;
      });
      await sleep(STATS_SETTLE_MS);
      const after = await stats.read();
      const run: JourneyRun = {
        users,
        result,
        latency: percentiles(result.durationsMs),
        lag: lagReport,
        ...databaseWork(result, {
          before: previous,
          after,
          idle: idleRate * ((after.at - loadEnd) / 1000),
          sampler: lagReport.queries,
        }),
        cpu,
        stuck,
      };
      previous = after;
      runs.push(run);
      printJourneyRun(run);
    }
    return { topology, endpoints, idleTransactionsPerSecond: idleRate, journeys: runs };
  });
}

/** Says how many errors each service logged since the last report, and the first. */
function reportErrors(services: Service[], when: string): void {
  for (const service of services) {
    const errors = service.newErrors();
    if (errors.count > 0) {
      console.log(
        `(${service.name} logged ${errors.count} errors ${when}; the first: ${errors.first})`,
      );
    }
  }
}

/** What the services are given: what production sets, with the sandbox's parties on. */
function serviceEnv(variables: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const key = () => randomBytes(32).toString('base64');
  return {
    // Nothing else from the bench's environment: a LOG_LEVEL or DB_POOL_SIZE set for
    // the tests must not change what is measured. Every setting not named here is the
    // default production runs with (the log level included).
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    // Production (NODE_ENV=production) refuses the sandbox, whose identity authority,
    // bank and SMS inbox a journey needs; NODE_ENV selects nothing else but defaults,
    // and every key production requires is set, so no development key is in use.
    NODE_ENV: 'development',
    SANDBOX: 'true',
    PII_MASTER_KEY: key(),
    PII_HASH_KEY: key(),
    AUTH_JWT_SECRET: key(),
    ...RATE_LIMITS,
    // Unset: the service's default pool, as production runs it.
    ...(process.env.BENCH_DB_POOL_SIZE ? { DB_POOL_SIZE: process.env.BENCH_DB_POOL_SIZE } : {}),
    ...variables,
  };
}

/** Requests/s and latency of a few routes, each next to the bare `node:http` floor. */
async function measureEndpoints(
  base: string,
  accountId: string,
  options: Settings,
): Promise<Endpoint[]> {
  const tokenResponse = await fetch(`${base}/v1/sandbox/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ sub: accountId, roles: ['user'] }),
  });
  const { token } = (await tokenResponse.json()) as { token: string };
  const authorization = `Bearer ${token}`;
  const status = await fetch(`${base}/v1/verification`, {
    headers: { Authorization: authorization },
  });
  await status.arrayBuffer();
  const etag = status.headers.get('etag');
  if (!etag) throw new Error('GET /v1/verification answered without an ETag');

  const floor = forkChild('floor-server.child.ts');
  try {
    const floorUrl = `http://127.0.0.1:${await childPort(floor)}/`;
    const targets: [name: string, input: Pick<LoadInput, 'url' | 'headers'>, expect: string][] = [
      ['bare node:http (floor)', { url: floorUrl }, '200'],
      ['/health/live', { url: `${base}/health/live` }, '200'],
      ['unknown route (404)', { url: `${base}/bench/no-such-route` }, '404'],
      [
        'GET /v1/verification',
        { url: `${base}/v1/verification`, headers: { Authorization: authorization } },
        '200',
      ],
      [
        'GET /v1/verification, If-None-Match (304)',
        {
          url: `${base}/v1/verification`,
          headers: { Authorization: authorization, 'If-None-Match': etag },
        },
        '304',
      ],
    ];
    const measure = (input: Pick<LoadInput, 'url' | 'headers'>) =>
      runChild<LoadInput, LoadResult>(
        'autocannon.child.ts',
        { ...input, connections: options.connections, seconds: options.seconds, warmUpSeconds: 1 },
        (options.seconds + 60) * 1000,
      );
    // The floor is measured before the first route and after each: a route's ratio is
    // to the mean of the two floors around it, so that the machine's load, which moves
    // from one run to the next on a shared machine, weighs on both sides alike.
    const [floorTarget, ...routes] = targets;
    const floors = [await measure(floorTarget[1])];
    const endpoints: Endpoint[] = [];
    console.log(
      `| route (${options.connections} connections) | requests/s | floor around it | × floor | p50 | p99 | load generator CPU |`,
    );
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    for (const [name, input, expect] of routes) {
      const load = await measure(input);
      floors.push(await measure(floorTarget[1]));
      const floorRate =
        (floors[floors.length - 2].requestsPerSecond +
          floors[floors.length - 1].requestsPerSecond) /
        2;
      const total = Object.values(load.statuses).reduce((sum, count) => sum + count, 0);
      const endpoint = {
        name,
        load,
        floor: floorRate,
        unexpected: total - (load.statuses[expect] ?? 0),
      };
      endpoints.push(endpoint);
      console.log(
        `| ${name} | ${Math.round(load.requestsPerSecond)} | ${Math.round(floorRate)} | ${(load.requestsPerSecond / floorRate).toFixed(2)}× | ${load.p50} ms | ${load.p99} ms | ${Math.round(load.cpuPercent)} % |`,
      );
      if (endpoint.unexpected > 0 || load.errors > 0) {
        console.log(
          `  (not ${expect}: ${endpoint.unexpected} answers ${JSON.stringify(load.statuses)}; ${load.errors} errors, ${load.timeouts} timeouts)`,
        );
      }
    }
    const rates = floors.map((f) => f.requestsPerSecond);
    const mean = rates.reduce((sum, rate) => sum + rate, 0) / rates.length;
    console.log(
      `| ${floorTarget[0]}, ${floors.length} runs | ${Math.round(mean)} (${Math.round(Math.min(...rates))}–${Math.round(Math.max(...rates))}) | | 1.00× | ${floors[0].p50} ms | ${floors[0].p99} ms | ${Math.round(floors[0].cpuPercent)} % |`,
    );
    // First in the summary, as the mean of its runs.
    endpoints.unshift({
      name: floorTarget[0],
      load: { ...floors[0], requestsPerSecond: mean },
      floor: mean,
      unexpected: 0,
    });
    return endpoints;
  } finally {
    await stop(floor);
  }
}

/**
 * Transactions and row writes per journey between two readings of the counters, less
 * what the services did by themselves while the counters settled after the load
 * (`idle`) and the lag sampler's own statements.
 */
function databaseWork(
  result: JourneyResult,
  window: { before: DatabaseCounters; after: DatabaseCounters; idle: number; sampler: number },
): Pick<JourneyRun, 'transactionsPerJourney' | 'rowWritesPerJourney'> {
  const { before, after } = window;
  // Without a journey that went through, nothing is the journeys' (a stalled service
  // does not even do its idle work).
  if (result.durationsMs.length === 0) {
    return { transactionsPerJourney: NaN, rowWritesPerJourney: NaN };
  }
  const journeys = result.durationsMs.length + failures(result);
  const transactions = after.transactions - before.transactions - window.idle - window.sampler;
  const writes = (c: DatabaseCounters) => c.inserted + c.updated + c.deleted;
  return {
    transactionsPerJourney: transactions / journeys,
    rowWritesPerJourney: (writes(after) - writes(before)) / journeys,
  };
}

const failures = (result: JourneyResult) =>
  Object.values(result.failures).reduce((sum, count) => sum + count, 0);

function printJourneyRun(run: JourneyRun): void {
  const { result, latency, lag } = run;
  const done = result.durationsMs.length;
  console.log(
    `\nJourneys at ${run.users} users: ${done} in ${result.seconds.toFixed(1)} s = ` +
      `${(done / result.seconds).toFixed(1)}/s, journey p50 ${seconds(latency.p50)}, p99 ${seconds(latency.p99)}; ` +
      `${failures(result)} failed, ${result.readYourWritesMisses} read-your-writes misses; ` +
      `${result.requests} requests (${result.extraRequests} beyond 11 a journey)`,
  );
  for (const [failure, count] of Object.entries(result.failures)) {
    console.log(`  failed: ${failure} × ${count}`);
  }
  console.log(
    `  answer p50/p99 by step: ${Object.entries(result.stepsMs)
      .map(([step, times]) => {
        const l = percentiles(times);
        return `${step} ${millis(l.p50)}/${millis(l.p99)}`;
      })
      .join(', ')}`,
  );
  console.log(
    `  ${fixed(run.transactionsPerJourney, 1)} transactions and ${fixed(run.rowWritesPerJourney, 1)} row writes per journey; ` +
      `CPU (% of one core): ${Object.entries(run.cpu)
        .map(([name, value]) => `${name} ${value === null ? '?' : Math.round(value)}`)
        .join(', ')}`,
  );
  if (Object.keys(run.stuck).length > 0) {
    console.log(
      `  transactions idle for over 10 s at the end, by application: ${JSON.stringify(run.stuck)}`,
    );
  }
  if (lag.unavailable) {
    console.log(`  subscription lag not measured: ${lag.unavailable}`);
    return;
  }
  console.log(
    `  subscription lag (${lag.samples} samples): p50 ${millis(lag.all.p50)}, p99 ${millis(lag.all.p99)}; ` +
      `by subscription, p50/p99: ${lag.bySubscription
        .map(([name, l]) => `${name} ${millis(l.p50)}/${millis(l.p99)}`)
        .join(', ')}`,
  );
}

function printSummary(figures: TopologyFigures[], options: Settings): void {
  if (figures.length === 0) return;
  console.log('\n### Summary\n');
  console.log(`| | ${figures.map((f) => TOPOLOGY_NAMES[f.topology]).join(' | ')} |`);
  console.log(`|---|${figures.map(() => '---:').join('|')}|`);
  const row = (name: string, cell: (f: TopologyFigures) => string) =>
    console.log(`| ${name} | ${figures.map(cell).join(' | ')} |`);
  const names = figures[0].endpoints.map((e) => e.name);
  names.forEach((name, i) => {
    row(`${name}: requests/s (× floor), p50 / p99`, (f) => {
      const { load } = f.endpoints[i];
      const ratio = load.requestsPerSecond / f.endpoints[i].floor;
      return `${Math.round(load.requestsPerSecond)} (${ratio.toFixed(2)}×), ${load.p50} / ${load.p99} ms`;
    });
  });
  if (!options.journeys) return;
  options.users.forEach((users, i) => {
    row(`journeys/s at ${users} users, journey p50 / p99`, (f) => {
      const run = f.journeys[i];
      const rate = run.result.durationsMs.length / run.result.seconds;
      return `${rate.toFixed(1)}, ${seconds(run.latency.p50)} / ${seconds(run.latency.p99)}`;
    });
    row(`at ${users} users: failed, read-your-writes misses (of journeys)`, (f) => {
      const run = f.journeys[i];
      const all = run.result.durationsMs.length + failures(run.result);
      return `${failures(run.result)}, ${run.result.readYourWritesMisses} (of ${all})`;
    });
    row(`at ${users} users: transactions, row writes per journey`, (f) => {
      const run = f.journeys[i];
      return `${fixed(run.transactionsPerJourney, 0)}, ${fixed(run.rowWritesPerJourney, 0)}`;
    });
    row(`at ${users} users: subscription lag p50 / p99`, (f) => {
      const { lag } = f.journeys[i];
      return lag.unavailable ? 'not measured' : `${millis(lag.all.p50)} / ${millis(lag.all.p99)}`;
    });
    row(`at ${users} users: CPU, % of one core`, (f) =>
      Object.entries(f.journeys[i].cpu)
        .map(([name, value]) => `${name} ${value === null ? '?' : Math.round(value)}`)
        .join(', '),
    );
  });
  row('idle transactions/s', (f) => f.idleTransactionsPerSecond.toFixed(1));
}

async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis({ ...redisConnectionOptions(redisUrl), maxRetriesPerRequest: 1 });
  try {
    const stream = redis.scanStream({ match: `${prefix}:*`, count: 1000 });
    for await (const keys of stream as AsyncIterable<string[]>) {
      if (keys.length > 0) await redis.unlink(...keys);
    }
  } finally {
    redis.disconnect();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => (Number.isNaN(ms) ? '–' : `${(ms / 1000).toFixed(2)} s`);
const fixed = (n: number, digits: number) => (Number.isNaN(n) ? '–' : n.toFixed(digits));
const millis = (ms: number) => (Number.isNaN(ms) ? '–' : `${Math.round(ms)} ms`);
