import { preparedQuery } from '@shiming/common';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { OutsideCallKind } from '../domain';

export interface OutsideCall {
  callId: string;
  accountId: string;
  kind: OutsideCallKind;
  eventId: string;
  subjectId: string | null;
  /** Ciphertext of the call's secret (SMS code, deposit amount) until it is done. */
  payload: string | null;
  attempts: number;
  done: boolean;
}

interface CallRow {
  call_id: string;
  account_id: string;
  kind: OutsideCallKind;
  event_id: string;
  subject_id: string | null;
  payload: string | null;
  attempts: number;
  done_at: Date | null;
}

const COLUMNS = 'call_id, account_id, kind, event_id, subject_id, payload, attempts, done_at';

export function outsideCallId(kind: OutsideCallKind, eventId: string): string {
  return `${kind}:${eventId}`;
}

/**
 * `verification_outside_calls`: written with the event that asks for a call, claimed
 * for a lease by whoever makes the call (the request's fast path, the process manager or
 * the sweeper), completed once its answer is recorded. Lease times are the database's.
 */
@Injectable()
export class OutsideCallsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Writes the call. With `leaseMs`, the caller will make it at once: the call is opened
   * in its hands (claimed, first attempt), so that nobody else takes it between the
   * commit and the call, and the caller needs no claim of its own. Answers whether the
   * row was written here (false: the call was already open).
   */
  async open(
    tx: EntityManager,
    call: Pick<OutsideCall, 'callId' | 'accountId' | 'kind' | 'eventId' | 'subjectId' | 'payload'>,
    leaseMs?: number,
  ): Promise<boolean> {
    const rows: unknown[] = await preparedQuery(
      tx,
      `INSERT INTO verification_outside_calls
              (call_id, account_id, kind, event_id, subject_id, payload, claimed_until, attempts)
       VALUES ($1, $2, $3, $4, $5, $6,
               now() + make_interval(secs => $7::double precision / 1000),
               CASE WHEN $7::double precision IS NULL THEN 0 ELSE 1 END)
       ON CONFLICT (call_id) DO NOTHING
       RETURNING call_id`,
      [
        call.callId,
        call.accountId,
        call.kind,
        call.eventId,
        call.subjectId,
        call.payload,
        leaseMs ?? null,
      ],
    );
    return rows.length > 0;
  }

  async find(callId: string): Promise<OutsideCall | null> {
    const rows: CallRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM verification_outside_calls WHERE call_id = $1`,
      [callId],
    );
    return rows.length ? toCall(rows[0]) : null;
  }

  /** Takes the call for `leaseMs`, unless it is done or someone else's lease runs. */
  async claim(callId: string, leaseMs: number): Promise<OutsideCall | null> {
    const found = await this.claimOrFind(callId, leaseMs);
    return found?.claimed ? found.call : null;
  }

  /**
   * `claim`, and when that fails the call as it stands (done, or leased by another),
   * in one statement; null when there is no such call.
   */
  async claimOrFind(
    callId: string,
    leaseMs: number,
  ): Promise<{ claimed: boolean; call: OutsideCall } | null> {
    const rows: (CallRow & { claimed: boolean })[] = await preparedQuery(
      this.dataSource,
      // A CTE, so that the driver answers rows and not an UPDATE's [rows, count].
      `WITH claimed AS (
         UPDATE verification_outside_calls
            SET claimed_until = now() + make_interval(secs => $2::double precision / 1000),
                attempts = attempts + 1
          WHERE call_id = $1 AND done_at IS NULL
            AND (claimed_until IS NULL OR claimed_until < now())
        RETURNING ${COLUMNS})
       SELECT true AS claimed, * FROM claimed
       UNION ALL
       SELECT false, ${COLUMNS} FROM verification_outside_calls
        WHERE call_id = $1 AND NOT EXISTS (SELECT 1 FROM claimed)`,
      [callId, leaseMs],
    );
    return rows.length ? { claimed: rows[0].claimed, call: toCall(rows[0]) } : null;
  }

  /**
   * Those of `callIds` not done and in nobody's hands (never claimed, given back after a
   * failure, or whose lease lapsed), in one read inside a subscriber's transaction.
   */
  async freeAmong(tx: EntityManager, callIds: readonly string[]): Promise<Set<string>> {
    if (callIds.length === 0) return new Set();
    const rows: { call_id: string }[] = await preparedQuery(
      tx,
      `SELECT call_id FROM verification_outside_calls
        WHERE call_id = ANY($1::text[]) AND done_at IS NULL
          AND (claimed_until IS NULL OR claimed_until < now())`,
      [[...callIds]],
    );
    return new Set(rows.map((row) => row.call_id));
  }

  /**
   * Open calls in nobody's hands that the sweeper should make, oldest first: those whose
   * maker's lease lapsed without an outcome, and those given back (or never claimed)
   * that have been open for `openForMs`, so that a request's fast path about to claim a
   * call it just opened keeps it.
   */
  async unattended(openForMs: number, limit: number): Promise<string[]> {
    const rows: { call_id: string }[] = await this.dataSource.query(
      `SELECT call_id FROM verification_outside_calls
        WHERE done_at IS NULL
          AND (claimed_until < now()
               OR (claimed_until IS NULL
                   AND created_at < now() - make_interval(secs => $1::double precision / 1000)))
        ORDER BY created_at
        LIMIT $2`,
      [openForMs, limit],
    );
    return rows.map((row) => row.call_id);
  }

  /** Done: the secret is dropped, it is no longer needed. */
  async complete(callId: string, tx?: EntityManager): Promise<void> {
    await preparedQuery(
      tx ?? this.dataSource,
      `UPDATE verification_outside_calls
          SET done_at = COALESCE(done_at, now()), payload = NULL, claimed_until = NULL
        WHERE call_id = $1`,
      [callId],
    );
  }

  /** The identity was erased: the secrets kept for its calls go (they no longer open anyway). */
  async dropPayloads(tx: EntityManager, subjectId: string): Promise<void> {
    await tx.query(
      `UPDATE verification_outside_calls SET payload = NULL
        WHERE subject_id = $1 AND payload IS NOT NULL`,
      [subjectId],
    );
  }

  /**
   * The call failed: the lease is given back, for a later attempt. Only by the claim that
   * holds it (`attempt`, the count its claim returned): a maker whose lease ran out and
   * whose call was taken over must not free it under the one now making it.
   */
  async release(callId: string, attempt: number, error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE verification_outside_calls SET claimed_until = NULL, last_error = $3
        WHERE call_id = $1 AND attempts = $2 AND done_at IS NULL`,
      [callId, attempt, error.slice(0, 2000)],
    );
  }

  /**
   * A terminal failure, kept with its error for an operator; nobody tries it again. By
   * the claim that holds the call only, as `release`; answers whether it was given up.
   */
  async abandon(callId: string, attempt: number, error: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH abandoned AS (
         UPDATE verification_outside_calls
            SET done_at = now(), payload = NULL, claimed_until = NULL, last_error = $3
          WHERE call_id = $1 AND attempts = $2 AND done_at IS NULL
        RETURNING call_id)
       SELECT * FROM abandoned`,
      [callId, attempt, `abandoned: ${error}`.slice(0, 2000)],
    );
    return rows.length > 0;
  }
}

function toCall(row: CallRow): OutsideCall {
  return {
    callId: row.call_id,
    accountId: row.account_id,
    kind: row.kind,
    eventId: row.event_id,
    subjectId: row.subject_id,
    payload: row.payload,
    attempts: row.attempts,
    done: row.done_at !== null,
  };
}
