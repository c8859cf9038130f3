import autocannon from 'autocannon';
import { serveChild } from './processes';

export interface LoadInput {
  url: string;
  connections: number;
  seconds: number;
  /** Run first and not counted: the route's code compiled, its connections open. */
  warmUpSeconds: number;
  headers?: Record<string, string>;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** Responses by status code, e.g. `{ "200": 51234 }`. */
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  /** This process's CPU over the run, in percent of one core. */
  cpuPercent: number;
}

// autocannon in a process of its own: it must not share an event loop with the bench
// or with a server it measures.
serveChild<LoadInput, LoadResult>(async (input) => {
  const options = { url: input.url, connections: input.connections, headers: input.headers };
  await autocannon({ ...options, duration: input.warmUpSeconds });
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await autocannon({ ...options, duration: input.seconds });
  const used = process.cpuUsage(cpu);
  const elapsedMs = performance.now() - started;
  const statuses: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) {
    statuses[code] = stats.count ?? 0;
  }
  return {
    requestsPerSecond: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
    cpuPercent: ((used.user + used.system) / 1000 / elapsedMs) * 100,
  };
});
