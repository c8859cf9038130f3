/** The back office's numbers (DESIGN §1), configurable. */
export interface CasePolicy {
  /** A claim lapses after this long without activity by its holder. */
  claimTtlMs: number;
}

export const DEFAULT_CASE_POLICY: CasePolicy = { claimTtlMs: 30 * 60 * 1000 };
