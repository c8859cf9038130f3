import { Command } from '@nestjs/cqrs';
import type { Allowance, DeclineReason, Direction, Month, Tier } from '../../domain';

/** The answer to an authorization, in fen; a repeated reference gets the first one again. */
export interface AuthorizationResult {
  /** The id of the event that recorded the decision. */
  authorizationId: string;
  reference: string;
  accountId: string;
  decision: 'approved' | 'declined';
  reason?: DeclineReason;
  tier: Tier;
  month: Month;
  /** What remains of the month's allowance after the decision; null = unlimited. */
  remaining: Allowance;
  /** True when the reference had been decided before and nothing new was counted. */
  replayed: boolean;
}

/**
 * May `accountId` collect or pay `amount` (yuan, as received) now? Approves and counts
 * it when it fits the account's monthly allowance. Idempotent on `reference`.
 */
export class AuthorizeLimitCommand extends Command<AuthorizationResult> {
  constructor(
    readonly accountId: string,
    readonly direction: Direction,
    /** Yuan as the caller sent it; parsed by the handler (`invalid_amount`). */
    readonly amount: unknown,
    readonly reference: string,
    /** The service asking, for the event's metadata. */
    readonly callerId: string,
  ) {
    super();
  }
}
