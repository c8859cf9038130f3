import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The case list's orders over every status (`status=all`, the default of a search):
 * by due time, and the queue's order, each also within one kind. Without them such a
 * page sorts every row of `case_queue`.
 */
export class CaseListOrders1765300200000 implements MigrationInterface {
  name = 'CaseListOrders1765300200000';

  async up(runner: QueryRunner): Promise<void> {
    for (const [name, columns] of INDEXES) {
      await runner.query(`CREATE INDEX ${name} ON case_queue (${columns})`);
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const [name] of INDEXES) await runner.query(`DROP INDEX ${name}`);
  }
}

const INDEXES: [name: string, columns: string][] = [
  ['case_queue_due_sort_idx', 'due_sort, case_id'],
  ['case_queue_kind_due_idx', 'kind, due_sort, case_id'],
  ['case_queue_order_idx', 'rank, due_sort, case_id'],
  ['case_queue_kind_order_idx', 'kind, rank, due_sort, case_id'],
];
