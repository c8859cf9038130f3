import { MigrationInterface, QueryRunner } from 'typeorm';

// The sandbox simulators' state. Created in every deployment so that the schema does
// not depend on SANDBOX; production never writes to these tables.
export class SandboxIntegrations1764115630000 implements MigrationInterface {
  name = 'SandboxIntegrations1764115630000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE sandbox_sms (
        id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        mobile  text NOT NULL,
        text    text NOT NULL,
        sent_at timestamptz NOT NULL
      )`);
    await runner.query(
      `CREATE INDEX sandbox_sms_inbox_idx ON sandbox_sms (mobile, sent_at DESC, id DESC)`,
    );
    await runner.query(`
      CREATE TABLE sandbox_bank_deposits (
        deposit_id       text PRIMARY KEY,
        card_number_hash char(64) NOT NULL,
        amount_fen       integer NOT NULL CHECK (amount_fen > 0),
        sent_at          timestamptz NOT NULL,
        settles_at       timestamptz NOT NULL,
        settled_at       timestamptz
      )`);
    await runner.query(`
      CREATE INDEX sandbox_bank_deposits_card_idx ON sandbox_bank_deposits (card_number_hash)
      WHERE settled_at IS NOT NULL`);
    await runner.query(`
      CREATE TABLE sandbox_bound_cards (
        account_id  text PRIMARY KEY,
        card_number text NOT NULL,
        mobile      text NOT NULL,
        bound_at    timestamptz NOT NULL
      )`);
    // Calls per `998` ID number, so that "unavailable N times, then match" holds across
    // processes and restarts.
    await runner.query(`
      CREATE TABLE sandbox_authority_calls (
        id_number_hash char(64) PRIMARY KEY,
        calls          integer NOT NULL,
        updated_at     timestamptz NOT NULL
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE sandbox_authority_calls`);
    await runner.query(`DROP TABLE sandbox_bound_cards`);
    await runner.query(`DROP TABLE sandbox_bank_deposits`);
    await runner.query(`DROP TABLE sandbox_sms`);
  }
}
