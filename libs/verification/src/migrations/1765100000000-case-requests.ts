import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which account asked for each manual review or appeal case, and where in the log: a
 * row is written in the transaction of the event that names the case, so the back
 * office can tell a case it has not opened yet from one that no account ever had.
 * Existing requests are taken from the log.
 */
export class CaseRequests1765100000000 implements MigrationInterface {
  name = 'CaseRequests1765100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE verification_case_requests (
        case_id         text PRIMARY KEY,
        account_id      text NOT NULL,
        transaction_id  xid8 NOT NULL,
        global_position bigint NOT NULL
      )`);
    await runner.query(`
      INSERT INTO verification_case_requests (case_id, account_id, transaction_id, global_position)
      SELECT data->>'caseId', substring(stream_id FROM ${'verification-'.length + 1}),
             transaction_id, global_position
        FROM es_events
       WHERE event_type IN ('ManualReviewRequested', 'AppealFiled')
         AND stream_id LIKE 'verification-%'
         AND data ? 'caseId'
      ON CONFLICT (case_id) DO NOTHING`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE verification_case_requests`);
  }
}
