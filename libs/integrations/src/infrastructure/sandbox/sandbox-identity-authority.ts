import type { Clock } from '@shiming/workflow';
import type { DataSource } from 'typeorm';
import {
  AuthorityUnavailableError,
  type IdentityAuthority,
  type IdentityCheck,
  type IdentityCheckOutcome,
} from '../../identity-authority.port';
import { sandboxLookupHash } from './sandbox-hash';
import { sandboxIdentityOutcome } from './sandbox-rules';

/** Counts the calls made for one ID number. */
export interface AuthorityCallCounter {
  /** Records one more call and returns how many there have been, this one included. */
  next(idNumber: string): Promise<number>;
}

// In PostgreSQL rather than memory: api and worker processes, and restarts, share the
// count, so a retry from any process sees the earlier failures.
export class PgAuthorityCallCounter implements AuthorityCallCounter {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async next(idNumber: string): Promise<number> {
    const rows: { calls: number }[] = await this.dataSource.query(
      `INSERT INTO sandbox_authority_calls (id_number_hash, calls, updated_at)
       VALUES ($1, 1, $2)
       ON CONFLICT (id_number_hash)
       DO UPDATE SET calls = sandbox_authority_calls.calls + 1, updated_at = EXCLUDED.updated_at
       RETURNING calls`,
      [sandboxLookupHash(idNumber), this.clock.now()],
    );
    return Number(rows[0].calls);
  }
}

/**
 * Sequence code (ID digits 15–17) `999` → mismatch; `998` → unavailable for the first
 * `unavailableFailures` calls for that ID number, then match, so that a journey can
 * watch the retry succeed; anything else → match.
 */
export class SandboxIdentityAuthority implements IdentityAuthority {
  constructor(
    private readonly calls: AuthorityCallCounter,
    private readonly unavailableFailures: number,
  ) {}

  async check(request: IdentityCheck): Promise<IdentityCheckOutcome> {
    const outcome = sandboxIdentityOutcome(request.idNumber);
    if (outcome !== 'unavailable') return outcome;
    const call = await this.calls.next(request.idNumber);
    if (call <= this.unavailableFailures) throw new AuthorityUnavailableError();
    return 'match';
  }
}
