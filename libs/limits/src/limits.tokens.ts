/** The `LimitsPolicy` in force; DEFAULT_LIMITS_POLICY unless a module provides another. */
export const LIMITS_POLICY = Symbol('LimitsPolicy');
