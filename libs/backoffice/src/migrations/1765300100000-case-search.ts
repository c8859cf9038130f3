import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Search, filters and sorting of cases. `case_queue` gains who decided and why, and the
 * data-key subject of the identity the case was opened for: an opaque id that staff
 * reach from an ID number or a mobile through the blind indexes (the occupancy and
 * mobile lookups), never the number or a hash of it, so erasing the identity leaves
 * nothing here that finds it. The projection refills every row from the log: the rows
 * stay readable meanwhile (version 0 lets each be replaced), and the checkpoint goes.
 *
 * The indexes serve each filter in each order of the list (keyset: the sort key, then
 * the case id), both directions.
 */
export class CaseSearch1765300100000 implements MigrationInterface {
  name = 'CaseSearch1765300100000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE case_queue
        ADD COLUMN subject_id  text,
        ADD COLUMN decided_by  text,
        ADD COLUMN reason_code text`);
    for (const [name, columns, where] of INDEXES) {
      await runner.query(
        `CREATE INDEX ${name} ON case_queue (${columns})${where ? ` WHERE ${where}` : ''}`,
      );
    }
    await runner.query(`UPDATE case_queue SET version = 0`);
    await runner.query(
      `DELETE FROM es_checkpoints WHERE subscription_id = 'backoffice-case-queue'`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const [name] of INDEXES) await runner.query(`DROP INDEX ${name}`);
    await runner.query(`
      ALTER TABLE case_queue
        DROP COLUMN subject_id,
        DROP COLUMN decided_by,
        DROP COLUMN reason_code`);
  }
}

const INDEXES: [name: string, columns: string, where?: string][] = [
  ['case_queue_subject_idx', 'subject_id', 'subject_id IS NOT NULL'],
  ['case_queue_account_idx', 'account_id, opened_at, case_id'],
  ['case_queue_holder_idx', 'holder_account_id', 'holder_account_id IS NOT NULL'],
  ['case_queue_opened_idx', 'opened_at, case_id'],
  ['case_queue_kind_opened_idx', 'kind, opened_at, case_id'],
  ['case_queue_status_opened_idx', 'status, opened_at, case_id'],
  ['case_queue_due_idx', 'status, due_sort, case_id'],
  ['case_queue_decided_at_idx', 'decided_at, case_id', 'decided_at IS NOT NULL'],
  ['case_queue_kind_decided_idx', 'kind, decided_at, case_id', 'decided_at IS NOT NULL'],
  ['case_queue_decided_by_idx', 'decided_by, decided_at, case_id', 'decided_by IS NOT NULL'],
  ['case_queue_reason_idx', 'reason_code, decided_at, case_id', 'reason_code IS NOT NULL'],
  ['case_queue_assignee_sort_idx', 'assignee, rank, due_sort, case_id', 'assignee IS NOT NULL'],
];
