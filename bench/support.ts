import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions, loadConfig } from '@shiming/common';
import { applicationMigrations } from '../apps/shared/migrations';
import * as os from 'node:os';

export interface Latencies {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export function percentiles(samplesMs: number[]): Latencies {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return {
    count: sorted.length,
    p50: at(0.5),
    p99: at(0.99),
    max: sorted[sorted.length - 1] ?? NaN,
  };
}

export const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 1)} ms`;

/** Runs `writers` loops of `op` for `durationMs`; returns ops/s and per-op latency. */
export async function closedLoop(
  writers: number,
  durationMs: number,
  op: (writer: number, i: number) => Promise<unknown>,
): Promise<{ opsPerSecond: number; latency: Latencies; samples: number[]; seconds: number }> {
  const samples: number[] = [];
  const deadline = performance.now() + durationMs;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const t0 = performance.now();
        await op(writer, i);
        samples.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return {
    opsPerSecond: samples.length / elapsed,
    latency: percentiles(samples),
    samples,
    seconds: elapsed,
  };
}

/**
 * Measures `a` and `b` in alternating slices (a, b, a, b, …) so that whatever else the
 * machine does at one moment weighs on both alike; figures are over all slices.
 */
export async function alternating(
  writers: number,
  durationMs: number,
  rounds: number,
  a: (writer: number, i: number, round: number) => Promise<unknown>,
  b: (writer: number, i: number, round: number) => Promise<unknown>,
): Promise<[ReturnType<typeof combine>, ReturnType<typeof combine>]> {
  const slices: [
    Awaited<ReturnType<typeof closedLoop>>[],
    Awaited<ReturnType<typeof closedLoop>>[],
  ] = [[], []];
  for (let round = 0; round < rounds; round++) {
    slices[0].push(await closedLoop(writers, durationMs / rounds, (w, i) => a(w, i, round)));
    slices[1].push(await closedLoop(writers, durationMs / rounds, (w, i) => b(w, i, round)));
  }
  return [combine(slices[0]), combine(slices[1])];
}

function combine(parts: { samples: number[]; seconds: number }[]) {
  const samples = parts.flatMap((p) => p.samples);
  const seconds = parts.reduce((sum, p) => sum + p.seconds, 0);
  return { opsPerSecond: samples.length / seconds, latency: percentiles(samples) };
}

/** A fresh, migrated database for one benchmark run, dropped afterwards. */
export async function benchDatabase(name = 'shiming_bench'): Promise<{
  url: string;
  dataSource: DataSource;
  drop(): Promise<void>;
}> {
  const config = loadConfig();
  const url = new URL(config.databaseUrl);
  url.pathname = `/${name}`;
  const admin = new URL(config.databaseUrl);
  admin.pathname = '/postgres';
  const run = async (sql: string) => {
    const client = new Client({ connectionString: admin.toString() });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await run(`CREATE DATABASE ${name}`);
  const dataSource = await new DataSource(
    dataSourceOptions({
      databaseUrl: url.toString(),
      migrations: applicationMigrations,
      poolSize: 40,
    }),
  ).initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  return {
    url: url.toString(),
    dataSource,
    drop: async () => {
      await dataSource.destroy();
      await run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}
