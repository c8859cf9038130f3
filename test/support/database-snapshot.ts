import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from 'pg';

/**
 * What a request could have written: every table's row count and a checksum of its
 * rows (so an update shows too), and the files under a directory (uploaded documents).
 * Two snapshots are equal when nothing was written in between; take them while nothing
 * else writes (an api without the worker: `Sandbox.stopWorker`).
 */
export type Snapshot = Record<string, string>;

export class DatabaseSnapshots {
  private constructor(
    private readonly client: Client,
    private readonly query: string,
    private readonly directories: string[],
  ) {}

  static async open(databaseUrl: string, directories: string[] = []): Promise<DatabaseSnapshots> {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    const { rows } = await client.query<{ name: string }>(
      `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables
        WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
    );
    // One statement for every table, so that a snapshot is one consistent read.
    const query = rows
      .map(
        ({ name }) =>
          `SELECT ${literal(name)} AS name, count(*) || ':' ||
             md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS digest
           FROM ${name} t`,
      )
      .join(' UNION ALL ');
    return new DatabaseSnapshots(client, query, directories);
  }

  async take(): Promise<Snapshot> {
    const { rows } = await this.client.query<{ name: string; digest: string }>(this.query);
    const snapshot: Snapshot = Object.fromEntries(rows.map((row) => [row.name, row.digest]));
    for (const directory of this.directories) {
      for (const file of await filesUnder(directory)) {
        snapshot[`file:${file.path}`] = String(file.size);
      }
    }
    return snapshot;
  }

  /** The tables and files that differ between two snapshots. */
  static changed(before: Snapshot, after: Snapshot): string[] {
    const names = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...names].filter((name) => before[name] !== after[name]).sort();
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}

function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

async function filesUnder(directory: string): Promise<{ path: string; size: number }[]> {
  let entries;
  try {
    entries = await readdir(directory, { withFileTypes: true, recursive: true });
  } catch {
    return [];
  }
  const files = entries.filter((entry) => entry.isFile());
  return Promise.all(
    files.map(async (entry) => {
      const path = join(entry.parentPath, entry.name);
      return { path, size: (await stat(path)).size };
    }),
  );
}
