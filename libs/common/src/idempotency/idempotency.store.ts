import type { DataSource, EntityManager } from 'typeorm';
import type { AppConfig } from '../config/config';

export interface IdempotencyScope {
  /** The caller the key belongs to (the token's `sub`); keys of two callers never meet. */
  principal: string;
  key: string;
  method: string;
  path: string;
  /** The keyed fingerprint of the request (RequestFingerprinter). */
  requestHash: string;
  /** The account the request is about, if known before the answer (a user's own). */
  accountId: string | null;
}

export interface StoredResponse {
  statusCode: number;
  /** `undefined` for an empty body. */
  body: unknown;
  headers: Record<string, string>;
}

/** A claim on a key; `claimedAt` identifies this attempt when finishing it. */
export type Claim =
  | { outcome: 'claimed'; claimedAt: string }
  | { outcome: 'replay'; response: StoredResponse }
  | { outcome: 'reused' }
  | { outcome: 'in_progress' };

export type IdempotencySettings = AppConfig['idempotency'];

interface Row {
  request_hash: string;
  state: 'in_progress' | 'completed';
  status_code: number | null;
  response_body: unknown;
  no_body: boolean;
  response_headers: Record<string, string> | null;
}

// A claim and its read are separate statements; the row may vanish in between (a
// 5xx releases it), and the claim is then simply tried again.
const CLAIM_ATTEMPTS = 3;

/**
 * The `idempotency_keys` table. A key is claimed by one attempt at a time, holds the
 * answer once completed, and expires `keyTtlMs` after it was claimed. An attempt
 * still in progress after `lockTimeoutMs` is taken to be dead (its process crashed)
 * and a retry of the same request may take it over.
 */
export class IdempotencyStore {
  constructor(
    private readonly db: Pick<DataSource, 'query'>,
    private readonly settings: IdempotencySettings,
  ) {}

  async claim(scope: IdempotencyScope): Promise<Claim> {
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
      const claimed: { claimed_at: string }[] = await this.db.query(
        `INSERT INTO idempotency_keys AS k
           (principal, key, method, path, request_hash, account_id, state, created_at)
         VALUES ($1, $2, $3, $4, $5, $8, 'in_progress', clock_timestamp())
         ON CONFLICT (principal, key) DO UPDATE
           SET method = EXCLUDED.method, path = EXCLUDED.path,
               request_hash = EXCLUDED.request_hash, account_id = EXCLUDED.account_id,
               state = 'in_progress',
               status_code = NULL, response_body = NULL, response_headers = NULL,
               created_at = EXCLUDED.created_at, completed_at = NULL
           WHERE k.created_at < clock_timestamp() - $6 * interval '1 millisecond'
              OR (k.state = 'in_progress' AND k.request_hash = EXCLUDED.request_hash
                  AND k.created_at < clock_timestamp() - $7 * interval '1 millisecond')
         RETURNING created_at::text AS claimed_at`,
        [
          scope.principal,
          scope.key,
          scope.method,
          scope.path,
          scope.requestHash,
          this.settings.keyTtlMs,
          this.settings.lockTimeoutMs,
          scope.accountId,
        ],
      );
      if (claimed.length === 1) return { outcome: 'claimed', claimedAt: claimed[0].claimed_at };
      const rows: Row[] = await this.db.query(
        `SELECT request_hash, state, status_code, response_body,
                response_body IS NULL AS no_body, response_headers
           FROM idempotency_keys WHERE principal = $1 AND key = $2`,
        [scope.principal, scope.key],
      );
      const row = rows[0];
      if (!row) continue;
      if (row.request_hash !== scope.requestHash) return { outcome: 'reused' };
      if (row.state === 'in_progress') return { outcome: 'in_progress' };
      return {
        outcome: 'replay',
        response: {
          statusCode: row.status_code ?? 200,
          body: row.no_body ? undefined : row.response_body,
          headers: row.response_headers ?? {},
        },
      };
    }
    throw new Error('Could not claim an idempotency key that keeps being released');
  }

  /** Stores the answer for replay. False if the attempt no longer holds the key. */
  async complete(
    scope: IdempotencyScope,
    claimedAt: string,
    response: StoredResponse,
  ): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `WITH done AS (
         UPDATE idempotency_keys
            SET state = 'completed', status_code = $4, response_body = $5::jsonb,
                response_headers = $6::jsonb, completed_at = clock_timestamp(),
                account_id = COALESCE($7, account_id)
          WHERE principal = $1 AND key = $2 AND created_at = $3::timestamptz
            AND state = 'in_progress'
         RETURNING 1)
       SELECT 1 FROM done`,
      [
        scope.principal,
        scope.key,
        claimedAt,
        response.statusCode,
        response.body === undefined ? null : JSON.stringify(response.body),
        JSON.stringify(response.headers),
        accountIdOf(response.body),
      ],
    );
    return rows.length === 1;
  }

  /** Gives the key up so that a retry runs the request again (after a 5xx). */
  async release(scope: IdempotencyScope, claimedAt: string): Promise<void> {
    await this.db.query(
      `WITH gone AS (
         DELETE FROM idempotency_keys
          WHERE principal = $1 AND key = $2 AND created_at = $3::timestamptz
            AND state = 'in_progress'
         RETURNING 1)
       SELECT 1 FROM gone`,
      [scope.principal, scope.key, claimedAt],
    );
  }

  /**
   * Deletes every stored answer about the account (its `accountId`) or owned by it
   * (the account's own requests), for erasure; in the caller's transaction if given.
   * Returns how many.
   */
  async forgetAccount(accountId: string, tx?: Pick<EntityManager, 'query'>): Promise<number> {
    if (!accountId) throw new RangeError('forgetAccount needs an account id');
    const [{ deleted }]: { deleted: number }[] = await (tx ?? this.db).query(
      `WITH gone AS (
         DELETE FROM idempotency_keys WHERE account_id = $1 OR principal = $1
         RETURNING 1)
       SELECT count(*)::int AS deleted FROM gone`,
      [accountId],
    );
    return deleted;
  }

  /**
   * Deletes up to `limit` expired keys; returns how many. For the worker to run
   * periodically until it returns less than `limit`.
   */
  async deleteExpired(limit = 1000): Promise<number> {
    const [{ deleted }]: { deleted: number }[] = await this.db.query(
      `WITH expired AS (
         SELECT principal, key FROM idempotency_keys
          WHERE created_at < clock_timestamp() - $1 * interval '1 millisecond'
          ORDER BY created_at
          LIMIT $2
            FOR UPDATE SKIP LOCKED),
       gone AS (
         DELETE FROM idempotency_keys k USING expired e
          WHERE k.principal = e.principal AND k.key = e.key
         RETURNING 1)
       SELECT count(*)::int AS deleted FROM gone`,
      [this.settings.keyTtlMs, limit],
    );
    return deleted;
  }
}

// An answer about an account names it at its top level (`accountId`).
function accountIdOf(body: unknown): string | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const { accountId } = body as { accountId?: unknown };
  return typeof accountId === 'string' && accountId ? accountId : null;
}
