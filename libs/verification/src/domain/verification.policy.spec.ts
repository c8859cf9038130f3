import {
  assertValidPolicy,
  DEFAULT_VERIFICATION_POLICY as policy,
  identityCheckRetryDelayMs,
} from './verification.policy';

describe('verification policy', () => {
  it("has DESIGN §1's defaults", () => {
    expect(policy).toMatchObject({
      paymentPassword: { maxConsecutiveFailures: 5, lockMs: 3 * 3600_000 },
      certificates: { min: 2, max: 4 },
      manualReview: { slaMs: 48 * 3600_000 },
      appeal: { slaWorkingDays: 3 },
      smsCode: { ttlMs: 5 * 60_000, resendCooldownMs: 60_000, maxWrongAttempts: 5 },
      microDeposit: { confirmationWindowMs: 10 * 86_400_000, maxWrongAttempts: 3 },
    });
    expect(() => assertValidPolicy(policy)).not.toThrow();
  });

  it('backs off exponentially from 30 s, capped at 30 minutes', () => {
    expect([1, 2, 3, 4, 6, 7, 20].map((n) => identityCheckRetryDelayMs(policy, n) / 1000)).toEqual([
      30, 60, 120, 240, 960, 1800, 1800,
    ]);
  });

  it.each([
    ['a zero attempt limit', { smsCode: { ...policy.smsCode, maxWrongAttempts: 0 } }],
    ['a negative window', { microDeposit: { ...policy.microDeposit, confirmationWindowMs: -1 } }],
    ['fewer maximum than minimum certificates', { certificates: { min: 3, max: 2 } }],
    [
      'a shrinking back-off',
      { identityCheckRetry: { ...policy.identityCheckRetry, multiplier: 0.5 } },
    ],
    [
      'a cool-down longer than the code lives',
      { smsCode: { ...policy.smsCode, resendCooldownMs: 600_000 } },
    ],
  ])('refuses %s', (_label, change) => {
    expect(() => assertValidPolicy({ ...policy, ...change })).toThrow(RangeError);
  });
});
