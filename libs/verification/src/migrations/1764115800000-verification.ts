import { MigrationInterface, QueryRunner } from 'typeorm';

export class Verification1764115800000 implements MigrationInterface {
  name = 'Verification1764115800000';

  async up(runner: QueryRunner): Promise<void> {
    // The read model users poll: one status document per account, rebuilt from the log.
    // An associated account's authentication and tier are its main account's, joined
    // when read.
    await runner.query(`
      CREATE TABLE verification_status (
        account_id      text PRIMARY KEY,
        state           text NOT NULL,
        version         integer NOT NULL CHECK (version >= 0),
        main_account_id text,
        document        jsonb NOT NULL,
        updated_at      timestamptz
      )`);
    // One row per call to an outside party that an event asks for, written with the
    // event: the request's fast path and the process manager claim it, so that one of
    // them makes the call. `payload` holds what the event must not (the SMS code, the
    // deposit amount), encrypted under the identity's data key, until the call is done.
    await runner.query(`
      CREATE TABLE verification_outside_calls (
        call_id       text PRIMARY KEY,
        account_id    text NOT NULL,
        kind          text NOT NULL,
        event_id      uuid NOT NULL,
        subject_id    text,
        payload       text,
        created_at    timestamptz NOT NULL DEFAULT now(),
        claimed_until timestamptz,
        done_at       timestamptz,
        attempts      integer NOT NULL DEFAULT 0,
        last_error    text
      )`);
    await runner.query(
      `CREATE INDEX verification_outside_calls_pending_idx
         ON verification_outside_calls (created_at) WHERE done_at IS NULL`,
    );
    // Manual reviews and appeals by case id, written with the event that opens or
    // decides them, so that staff can decide a case the moment it exists.
    await runner.query(`
      CREATE TABLE verification_cases (
        case_id    uuid PRIMARY KEY,
        account_id text NOT NULL,
        kind       text NOT NULL CHECK (kind IN ('manual_review', 'appeal')),
        opened_at  timestamptz NOT NULL,
        due_at     timestamptz NOT NULL,
        decided_at timestamptz,
        outcome    text,
        -- Staff's note on the decision, never shown to the user.
        internal_note text
      )`);
    await runner.query(
      `CREATE INDEX verification_cases_account_idx ON verification_cases (account_id, opened_at)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE verification_cases`);
    await runner.query(`DROP TABLE verification_outside_calls`);
    await runner.query(`DROP TABLE verification_status`);
  }
}
