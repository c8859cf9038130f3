import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The SMS codes sent to each mobile number in the last day, from every account, so that
 * no number can be flooded however many accounts name it. A number appears only as a
 * keyed hash, with the submitted identity (data-key subject) whose card named it: rows
 * go after a day, and at once when that identity is erased.
 */
export class SmsMobileSends1765000200000 implements MigrationInterface {
  name = 'SmsMobileSends1765000200000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE sms_mobile_sends (
        id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        mobile_key text NOT NULL,
        subject_id text NOT NULL,
        sent_at    timestamptz NOT NULL
      )`);
    await runner.query(
      `CREATE INDEX sms_mobile_sends_key_idx ON sms_mobile_sends (mobile_key, sent_at)`,
    );
    await runner.query(`CREATE INDEX sms_mobile_sends_at_idx ON sms_mobile_sends (sent_at)`);
    await runner.query(
      `CREATE INDEX sms_mobile_sends_subject_idx ON sms_mobile_sends (subject_id)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE sms_mobile_sends`);
  }
}
