/**
 * The numbers of the payment limits, in fen (DESIGN §1 step 4). Months are calendar
 * months in Asia/Shanghai (see `month.ts`).
 */
export interface LimitsPolicy {
  /** Monthly allowances of an account authenticated without ID photos. */
  readonly limited: {
    /** Collections (money received) in a month. */
    readonly collectFen: number;
    /** Collections plus payments in a month. */
    readonly totalFen: number;
  };
  /** The largest amount one authorization may ask for, whatever the tier. */
  readonly maxAmountFen: number;
}

export const DEFAULT_LIMITS_POLICY: LimitsPolicy = Object.freeze({
  limited: Object.freeze({ collectFen: 20_000_00, totalFen: 50_000_00 }),
  // Ten million yuan: far above any wallet payment, far below where fen stop being exact.
  maxAmountFen: 10_000_000_00,
});
