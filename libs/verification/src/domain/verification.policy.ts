// The numbers of the process. Defaults are DESIGN §1's; the application builds the
// policy from validated configuration and passes it to the decider.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
// A day here is 24 hours; working days belong to the business calendar (appeals).
const DAY = 24 * HOUR;

export interface VerificationPolicy {
  paymentPassword: {
    /** Wrong passwords in a row that lock identity submission. */
    maxConsecutiveFailures: number;
    lockMs: number;
  };
  /** Back-off between calls to an unavailable identity authority: initial × multiplier^(n-1), capped. */
  identityCheckRetry: {
    initialDelayMs: number;
    multiplier: number;
    maxDelayMs: number;
  };
  /** Dual certificates for a manual review or an appeal, and for a re-upload. */
  certificates: { min: number; max: number };
  manualReview: { slaMs: number };
  /**
   * Appeals are due at the end of this many working days; the application computes
   * the instant with the working-day calendar and passes it in `FileAppeal.dueAt`.
   */
  appeal: { slaWorkingDays: number };
  smsCode: {
    ttlMs: number;
    resendCooldownMs: number;
    /** Wrong entries that end the SMS step; a resend does not give more. */
    maxWrongAttempts: number;
    /** Codes sent to one account (first sends and resends, any card) per hour and per day. */
    maxSendsPerHour: number;
    maxSendsPerDay: number;
  };
  microDeposit: {
    /** How long the user has to enter the amount once it has arrived. */
    confirmationWindowMs: number;
    /** Wrong amounts that end one micro-deposit. */
    maxWrongAttempts: number;
    /** Micro-deposits in one verification, whatever the card: so also per card. */
    maxRequests: number;
  };
}

export const DEFAULT_VERIFICATION_POLICY: VerificationPolicy = {
  paymentPassword: { maxConsecutiveFailures: 5, lockMs: 3 * HOUR },
  identityCheckRetry: { initialDelayMs: 30 * SECOND, multiplier: 2, maxDelayMs: 30 * MINUTE },
  certificates: { min: 2, max: 4 },
  manualReview: { slaMs: 48 * HOUR },
  appeal: { slaWorkingDays: 3 },
  smsCode: {
    ttlMs: 5 * MINUTE,
    resendCooldownMs: 60 * SECOND,
    maxWrongAttempts: 5,
    maxSendsPerHour: 5,
    maxSendsPerDay: 10,
  },
  microDeposit: { confirmationWindowMs: 10 * DAY, maxWrongAttempts: 3, maxRequests: 3 },
};

/** Delay before retry number `failedAttempt` + 1 of the identity check. */
export function identityCheckRetryDelayMs(
  policy: VerificationPolicy,
  failedAttempt: number,
): number {
  const { initialDelayMs, multiplier, maxDelayMs } = policy.identityCheckRetry;
  return Math.min(maxDelayMs, initialDelayMs * multiplier ** Math.max(0, failedAttempt - 1));
}

/** Throws when a number is not usable; call once when building the decider. */
export function assertValidPolicy(policy: VerificationPolicy): void {
  const positiveIntegers: Record<string, number> = {
    'paymentPassword.maxConsecutiveFailures': policy.paymentPassword.maxConsecutiveFailures,
    'certificates.min': policy.certificates.min,
    'certificates.max': policy.certificates.max,
    'appeal.slaWorkingDays': policy.appeal.slaWorkingDays,
    'smsCode.maxWrongAttempts': policy.smsCode.maxWrongAttempts,
    'microDeposit.maxWrongAttempts': policy.microDeposit.maxWrongAttempts,
    'smsCode.maxSendsPerHour': policy.smsCode.maxSendsPerHour,
    'smsCode.maxSendsPerDay': policy.smsCode.maxSendsPerDay,
    'microDeposit.maxRequests': policy.microDeposit.maxRequests,
  };
  const positiveDurations: Record<string, number> = {
    'paymentPassword.lockMs': policy.paymentPassword.lockMs,
    'identityCheckRetry.initialDelayMs': policy.identityCheckRetry.initialDelayMs,
    'identityCheckRetry.maxDelayMs': policy.identityCheckRetry.maxDelayMs,
    'manualReview.slaMs': policy.manualReview.slaMs,
    'smsCode.ttlMs': policy.smsCode.ttlMs,
    'smsCode.resendCooldownMs': policy.smsCode.resendCooldownMs,
    'microDeposit.confirmationWindowMs': policy.microDeposit.confirmationWindowMs,
  };
  for (const [name, value] of Object.entries(positiveIntegers)) {
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(`Verification policy: ${name} must be a positive integer`);
    }
  }
  for (const [name, value] of Object.entries(positiveDurations)) {
    if (!Number.isFinite(value) || value <= 0) {
      throw new RangeError(`Verification policy: ${name} must be a positive duration`);
    }
  }
  if (policy.certificates.max < policy.certificates.min) {
    throw new RangeError('Verification policy: certificates.max is below certificates.min');
  }
  if (!(policy.identityCheckRetry.multiplier >= 1)) {
    throw new RangeError('Verification policy: identityCheckRetry.multiplier must be at least 1');
  }
  if (policy.smsCode.maxSendsPerDay < policy.smsCode.maxSendsPerHour) {
    throw new RangeError('Verification policy: fewer SMS codes a day than an hour');
  }
  if (policy.smsCode.resendCooldownMs > policy.smsCode.ttlMs) {
    throw new RangeError('Verification policy: the SMS resend cool-down outlasts the code');
  }
}
