import type { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner } from 'typeorm';

/**
 * Work to do once a caller's transaction commits (announce an append, wake a timer up),
 * kept per transaction: `defer` under an open transaction holds `value` (merged with
 * what is already held for it) until the outermost transaction commits, then `run`s it;
 * a rollback drops it. Outside a transaction it runs at once. `run` must not throw: the
 * transaction has committed by then.
 */
export class AfterCommit<T> {
  private readonly pending = new WeakMap<QueryRunner, T>();
  private readonly watcher: EntitySubscriberInterface = {
    afterTransactionCommit: ({ queryRunner }) => {
      // Releasing a savepoint also "commits"; only the outermost commit makes rows visible.
      if (queryRunner.isTransactionActive) return;
      const value = this.pending.get(queryRunner);
      if (value === undefined) return;
      this.pending.delete(queryRunner);
      this.run(value);
    },
    afterTransactionRollback: ({ queryRunner }) => {
      if (!queryRunner.isTransactionActive) this.pending.delete(queryRunner);
    },
  };

  constructor(
    private readonly dataSource: DataSource,
    private readonly run: (value: T) => void,
    private readonly merge: (held: T, next: T) => T,
  ) {}

  defer(manager: EntityManager | undefined, value: T): void {
    const runner = manager?.queryRunner;
    if (!runner?.isTransactionActive) {
      this.run(value);
      return;
    }
    // The data source replaces its subscribers when it initialises, so check each time.
    if (!this.dataSource.subscribers.includes(this.watcher)) {
      this.dataSource.subscribers.push(this.watcher);
    }
    const held = this.pending.get(runner);
    this.pending.set(runner, held === undefined ? value : this.merge(held, value));
  }
}
