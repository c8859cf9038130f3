import type { EntityManager } from 'typeorm';

/** What a transaction's connection is sent, by TypeORM or as a prepared statement. */
export interface SentStatements {
  /** The texts sent since the watch began (or the last `clear`). */
  texts(): string[];
  clear(): void;
  /** Stops watching (what was sent stays readable); call it before the transaction ends. */
  stop(): void;
}

/** Watches the statements `tx` sends from now on, whichever way they go. */
export async function watchStatements(tx: EntityManager): Promise<SentStatements> {
  if (!tx.queryRunner) throw new Error('watchStatements needs a transaction');
  const client = (await tx.queryRunner.connect()) as { query: (...args: unknown[]) => unknown };
  const spy = jest.spyOn(client, 'query');
  const sent = () =>
    spy.mock.calls.map(([query]) =>
      typeof query === 'string' ? query : String((query as { text: string }).text),
    );
  // What was sent until `stop`, which forgets the calls with the spy.
  let stopped: string[] | null = null;
  return {
    texts: () => stopped ?? sent(),
    clear: () => spy.mockClear(),
    stop: () => {
      stopped = sent();
      spy.mockRestore();
    },
  };
}
