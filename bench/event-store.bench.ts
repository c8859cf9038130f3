import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { EventStore, EventTypeRegistry } from '@shiming/event-store';
import { DataSource } from 'typeorm';
import { alternating, ms, percentiles } from './support';

const WRITERS = [1, 8, 32];
const ROUNDS = 3;
const metadata = { actor: { type: 'system' as const, id: 'bench' }, correlationId: 'bench' };
const data = { region: 'mainland', note: 'a small event body of a realistic size', n: 42 };

export async function benchEventStore(dataSource: DataSource, url: string, seconds: number) {
  const registry = new EventTypeRegistry().register({ type: 'Bench.Happened', schemaVersion: 1 });
  const store = new EventStore(dataSource, registry, { now: () => new Date() });
  // The physical limit of a durable append: one single-row INSERT commit into a table
  // of the same shape (columns, keys, indexes, sequence), over plain node-postgres.
  await dataSource.query('CREATE TABLE bench_raw (LIKE es_events INCLUDING ALL)');
  const pool = new Pool({ connectionString: url, max: 40 });
  const rows: string[] = [];
  console.log('\n## Event store append vs raw INSERT commit\n');
  console.log('| writers | raw INSERT/s | append/s | ratio | raw p50/p99 | append p50/p99 |');
  console.log('|---:|---:|---:|---:|---:|---:|');
  for (const writers of WRITERS) {
    // Each measurement starts with no dirty pages left by the one before.
    await dataSource.query('CHECKPOINT');
    // Raw and append alternate in three slices each, so a busy moment weighs on both.
    // Both write the same rows: each writer its own stream (a new one per slice),
    // versions 1, 2, 3… — the same keys land on the same kind of index pages. The raw
    // INSERT is prepared once per connection, like the store's own hot statement.
    const streamsOf = () =>
      Array.from({ length: ROUNDS }, () =>
        Array.from({ length: writers }, () => `bench-${randomUUID()}`),
      );
    const rawStreams = streamsOf();
    const streams = streamsOf();
    const [raw, append] = await alternating(
      writers,
      seconds * 1000,
      ROUNDS,
      (writer, i, round) =>
        pool.query({
          name: 'bench_raw_insert',
          text: `INSERT INTO bench_raw (stream_id, stream_version, event_id, event_type, schema_version, data, metadata, recorded_at)
                 VALUES ($1, $2, $3, 'Bench.Happened', 1, $4, $5, now())`,
          values: [
            rawStreams[round][writer],
            i + 1,
            randomUUID(),
            JSON.stringify(data),
            JSON.stringify(metadata),
          ],
        }),
      (writer, i, round) =>
        store.append(
          streams[round][writer],
          i === 0 ? 'no_stream' : i,
          [{ id: randomUUID(), type: 'Bench.Happened', data }],
          { metadata },
        ),
    );
    const ratio = append.opsPerSecond / raw.opsPerSecond;
    const line = `| ${writers} | ${raw.opsPerSecond.toFixed(0)} | ${append.opsPerSecond.toFixed(0)} | ${ratio.toFixed(2)}× | ${ms(raw.latency.p50)} / ${ms(raw.latency.p99)} | ${ms(append.latency.p50)} / ${ms(append.latency.p99)} |`;
    console.log(line);
    rows.push(line);
  }
  await pool.end();

  const stream = `read-${randomUUID()}`;
  for (let v = 0; v < 20; v++) {
    await store.append(
      stream,
      v === 0 ? 'no_stream' : v,
      [{ id: randomUUID(), type: 'Bench.Happened', data }],
      {
        metadata,
      },
    );
  }
  const samples: number[] = [];
  const until = performance.now() + seconds * 1000;
  while (performance.now() < until) {
    const t0 = performance.now();
    await store.readStream(stream);
    samples.push(performance.now() - t0);
  }
  const read = percentiles(samples);
  console.log(
    `\nreadStream of a 20-event stream: p50 ${ms(read.p50)}, p99 ${ms(read.p99)} (${read.count} reads)`,
  );
}
