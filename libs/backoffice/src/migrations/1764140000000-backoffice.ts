import { MigrationInterface, QueryRunner } from 'typeorm';

export class Backoffice1764140000000 implements MigrationInterface {
  name = 'Backoffice1764140000000';

  async up(runner: QueryRunner): Promise<void> {
    // The queue staff work from: one row per case, rebuilt from the case streams.
    // `rank` (0 escalated and undecided, 1 otherwise) and `due_sort` (the due time, or
    // infinity while paused) make "escalated first, then by due time" one keyset order.
    await runner.query(`
      CREATE TABLE case_queue (
        case_id           uuid PRIMARY KEY,
        kind              text NOT NULL CHECK (kind IN ('manual_review', 'appeal')),
        status            text NOT NULL,
        escalated         boolean NOT NULL DEFAULT false,
        rank              smallint NOT NULL,
        due_sort          timestamptz NOT NULL,
        due_at            timestamptz,
        sla_remaining_ms  bigint,
        account_id        text NOT NULL,
        holder_account_id text,
        assignee          text,
        claimed_at        timestamptz,
        opened_at         timestamptz NOT NULL,
        escalated_at      timestamptz,
        decided_at        timestamptz,
        outcome           text,
        paused_ms         bigint NOT NULL DEFAULT 0,
        document_count    integer NOT NULL,
        version           integer NOT NULL
      )`);
    await runner.query(
      `CREATE INDEX case_queue_active_idx ON case_queue (rank, due_sort, case_id)
         WHERE status <> 'decided'`,
    );
    await runner.query(
      `CREATE INDEX case_queue_active_kind_idx ON case_queue (kind, rank, due_sort, case_id)
         WHERE status <> 'decided'`,
    );
    await runner.query(
      `CREATE INDEX case_queue_status_idx ON case_queue (status, rank, due_sort, case_id)`,
    );
    await runner.query(
      `CREATE INDEX case_queue_kind_status_idx
         ON case_queue (kind, status, rank, due_sort, case_id)`,
    );
    await runner.query(
      `CREATE INDEX case_queue_assignee_idx ON case_queue (assignee) WHERE assignee IS NOT NULL`,
    );
    await runner.query(
      `CREATE INDEX case_queue_decided_idx ON case_queue (decided_at) WHERE decided_at IS NOT NULL`,
    );
    await runner.query(
      `CREATE INDEX case_queue_escalated_idx ON case_queue (escalated_at)
         WHERE escalated_at IS NOT NULL`,
    );
    // Every event of a case with its actor: the audit trail staff read.
    await runner.query(`
      CREATE TABLE case_timeline (
        case_id  uuid NOT NULL,
        seq      integer NOT NULL,
        event_id uuid NOT NULL,
        type     text NOT NULL,
        at       timestamptz NOT NULL,
        actor    jsonb NOT NULL,
        details  jsonb NOT NULL,
        PRIMARY KEY (case_id, seq)
      )`);
    // What supervisors are told (an SLA breached), newest first.
    await runner.query(`
      CREATE TABLE backoffice_notifications (
        notification_id uuid PRIMARY KEY,
        at        timestamptz NOT NULL,
        kind      text NOT NULL,
        case_id   uuid NOT NULL,
        case_kind text NOT NULL,
        message   text NOT NULL
      )`);
    await runner.query(
      `CREATE INDEX backoffice_notifications_at_idx ON backoffice_notifications (at DESC)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE backoffice_notifications`);
    await runner.query(`DROP TABLE case_timeline`);
    await runner.query(`DROP TABLE case_queue`);
  }
}
