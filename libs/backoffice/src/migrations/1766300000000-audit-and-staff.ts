import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The supervisors' audit view across cases (every reveal, comparison, document view,
 * decision and audit export, with who and when), and the staff directory (who used the
 * back office, with which roles). Both are read models rebuilt from the log.
 */
export class AuditAndStaff1766300000000 implements MigrationInterface {
  name = 'AuditAndStaff1766300000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE backoffice_audit (
        event_id          uuid PRIMARY KEY,
        at                timestamptz NOT NULL,
        action            text NOT NULL,
        staff_id          text NOT NULL,
        case_id           uuid,
        case_kind         text,
        account_id        text,
        holder_account_id text,
        details           jsonb NOT NULL
      )`);
    // Newest first, by staff member, by account (applicant or holder), or all.
    await runner.query(
      `CREATE INDEX backoffice_audit_at_idx ON backoffice_audit (at DESC, event_id DESC)`,
    );
    await runner.query(
      `CREATE INDEX backoffice_audit_staff_idx ON backoffice_audit (staff_id, at DESC, event_id DESC)`,
    );
    await runner.query(
      `CREATE INDEX backoffice_audit_account_idx ON backoffice_audit (account_id, at DESC, event_id DESC)`,
    );
    await runner.query(
      `CREATE INDEX backoffice_audit_holder_idx ON backoffice_audit (holder_account_id, at DESC, event_id DESC)
         WHERE holder_account_id IS NOT NULL`,
    );
    // The accounts of each case, from its opening, so the audit rows can name them.
    await runner.query(`
      CREATE TABLE backoffice_audit_cases (
        case_id           uuid PRIMARY KEY,
        kind              text NOT NULL,
        account_id        text NOT NULL,
        holder_account_id text
      )`);
    await runner.query(`
      CREATE TABLE backoffice_staff (
        staff_id      text PRIMARY KEY,
        roles         text[] NOT NULL,
        first_seen_at timestamptz NOT NULL,
        seen_at       timestamptz NOT NULL
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE backoffice_staff`);
    await runner.query(`DROP TABLE backoffice_audit_cases`);
    await runner.query(`DROP TABLE backoffice_audit`);
  }
}
