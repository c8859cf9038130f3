/** The `VerificationPolicy` in force (DESIGN §1's defaults unless overridden). */
export const VERIFICATION_POLICY = Symbol('VerificationPolicy');

/** The verification decider built with that policy. */
export const VERIFICATION_DECIDER = Symbol('VerificationDecider');
