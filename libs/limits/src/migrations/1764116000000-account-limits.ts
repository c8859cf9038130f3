import { MigrationInterface, QueryRunner } from 'typeorm';

export class AccountLimits1764116000000 implements MigrationInterface {
  name = 'AccountLimits1764116000000';

  async up(runner: QueryRunner): Promise<void> {
    // Read model (projection `account_limits`): each account's own tier from its
    // verification events, and its main account when associated (whose tier applies).
    await runner.query(`
      CREATE TABLE account_limits (
        account_id      text PRIMARY KEY,
        tier            text NOT NULL CHECK (tier IN ('none', 'limited', 'full')),
        main_account_id text,
        changed_at      timestamptz NOT NULL
      )`);
    // Read model (projection `account_limit_usage`), written in the authorization's own
    // transaction and replayable: approved amounts per allowance holder and Shanghai
    // month. `stream_version` is that of the limits stream's event it reflects, so a
    // late or repeated event never moves it back.
    await runner.query(`
      CREATE TABLE account_limit_usage (
        account_id     text NOT NULL,
        month          text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        collected_fen  bigint NOT NULL CHECK (collected_fen >= 0),
        paid_fen       bigint NOT NULL CHECK (paid_fen >= 0),
        stream_version bigint NOT NULL,
        updated_at     timestamptz NOT NULL,
        PRIMARY KEY (account_id, month)
      )`);
    // Part of the write side, like a unique index over the limits events: one decision
    // per caller reference, found again when the reference is repeated. Written with the
    // event, never emptied by a rebuild.
    await runner.query(`
      CREATE TABLE limit_authorizations (
        reference            text PRIMARY KEY,
        event_id             uuid NOT NULL UNIQUE,
        account_id           text NOT NULL,
        holder_account_id    text NOT NULL,
        month                text NOT NULL,
        direction            text NOT NULL CHECK (direction IN ('collect', 'pay')),
        amount_fen           bigint NOT NULL CHECK (amount_fen > 0),
        tier                 text NOT NULL CHECK (tier IN ('none', 'limited', 'full')),
        decision             text NOT NULL CHECK (decision IN ('approved', 'declined')),
        reason               text CHECK (reason IN ('limit_exceeded', 'not_authenticated')),
        remaining_collect_fen bigint,
        remaining_total_fen  bigint,
        decided_at           timestamptz NOT NULL,
        CONSTRAINT limit_authorizations_reason_ck CHECK ((decision = 'declined') = (reason IS NOT NULL))
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE limit_authorizations`);
    await runner.query(`DROP TABLE account_limit_usage`);
    await runner.query(`DROP TABLE account_limits`);
  }
}
