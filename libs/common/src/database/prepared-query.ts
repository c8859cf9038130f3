import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { scrubDatabaseError } from '../logging/safe-error';

// Statement names by text: PostgreSQL keeps a prepared statement per connection under
// its name, and one name must always mean the same text.
const names = new Map<string, string>();

function nameOf(sql: string): string {
  let name = names.get(sql);
  if (!name) {
    name = `s_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    names.set(sql, name);
  }
  return name;
}

/**
 * Runs a hot statement prepared once per connection (parsed and planned once, not on
 * every call): on `manager`'s connection when it has one (its transaction), else on the pool. The text
 * must be fixed (values go in `params`), since each text is one prepared statement on
 * every connection. Errors lose their values, as TypeORM's logger would have them.
 */
export async function preparedQuery<T>(
  target: EntityManager | DataSource,
  sql: string,
  params: readonly unknown[],
): Promise<T[]> {
  const query = { name: nameOf(sql), text: sql, values: params as unknown[] };
  const runner = 'queryRunner' in target ? target.queryRunner : undefined;
  const client: Pool | PoolClient =
    runner && !runner.isReleased
      ? ((await runner.connect()) as PoolClient)
      : (
          ('connection' in target ? target.connection : target).driver as unknown as {
            master: Pool;
          }
        ).master;
  const result = await client.query(query).catch((error: unknown) => {
    scrubDatabaseError(error);
    throw error;
  });
  return result.rows as T[];
}
