/** The `LimitsPolicy` in force; DEFAULT_LIMITS_POLICY unless a module provides another. */
export const LIMITS_POLICY = Symbol('LimitsPolicy');
/** The allowance's decider, over the policy in force. */
export const LIMITS_DECIDER = Symbol('LimitsDecider');
