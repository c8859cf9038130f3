import { createLimitsDecider, settlesItsReference, type AuthorizeLimit } from './limits.decider';
import { limitsEffectsOf } from './limits.effects';
import type { LimitsEvent } from './limits.events';
import { DEFAULT_LIMITS_POLICY } from './limits.policy';

const decider = createLimitsDecider(DEFAULT_LIMITS_POLICY);
const AT = '2026-11-20T02:00:00.000Z';

const authorize = (
  reference: string,
  amountFen: number,
  tier: 'none' | 'limited' = 'limited',
): AuthorizeLimit => ({
  type: 'AuthorizeLimit',
  data: {
    reference,
    accountId: 'acct-2',
    holderAccountId: 'acct-main',
    direction: 'collect',
    amountFen,
    month: '2026-11',
    tier,
    at: AT,
  },
});

/** Given the allowance's past events, when a command's events are appended: what they cause. */
function given(...commands: AuthorizeLimit[]) {
  const past: LimitsEvent[] = [];
  for (const command of commands) {
    past.push(...decider.decide(command, past.reduce(decider.evolve, decider.initialState())));
  }
  const before = past.reduce(decider.evolve, decider.initialState());
  return {
    when(command: AuthorizeLimit) {
      return limitsEffectsOf(before, decider.decide(command, before));
    },
  };
}

describe('what an allowance’s events cause', () => {
  it('keeps an approval under its reference and sets the usage as of its version', () => {
    expect(given(authorize('ref-1', 500)).when(authorize('ref-2', 700))).toEqual({
      decisions: [
        {
          eventIndex: 0,
          decision: {
            reference: 'ref-2',
            accountId: 'acct-2',
            holderAccountId: 'acct-main',
            month: '2026-11',
            direction: 'collect',
            amountFen: 700,
            tier: 'limited',
            decision: 'approved',
            reason: null,
            remaining: { collectFen: 20_000_00 - 1200, totalFen: 50_000_00 - 1200 },
            decidedAt: AT,
          },
          settles: true,
        },
      ],
      usage: [
        {
          holderAccountId: 'acct-main',
          month: '2026-11',
          collectedFen: 1200,
          paidFen: 0,
          streamVersion: 2,
          updatedAt: AT,
        },
      ],
    });
  });

  it('keeps a decline under its reference with its reason, and leaves the usage alone', () => {
    const effects = given(authorize('ref-1', 20_000_00)).when(authorize('ref-2', 1));
    expect(effects.decisions).toEqual([
      {
        eventIndex: 0,
        decision: expect.objectContaining({
          reference: 'ref-2',
          decision: 'declined',
          reason: 'limit_exceeded',
          remaining: { collectFen: 0, totalFen: 30_000_00 },
        }),
        settles: true,
      },
    ]);
    expect(effects.usage).toEqual([]);
  });

  it('does not keep a decline for an account that is not authenticated (yet)', () => {
    const command = authorize('ref-1', 1, 'none');
    const effects = given().when(command);
    expect(effects.decisions).toEqual([
      {
        eventIndex: 0,
        decision: expect.objectContaining({ decision: 'declined', reason: 'not_authenticated' }),
        settles: false,
      },
    ]);
    expect(settlesItsReference(command)).toBe(false);
    expect(effects.usage).toEqual([]);
  });

  it('knows from the command whether its decision will settle the reference', () => {
    for (const command of [authorize('ref-2', 500), authorize('ref-3', 30_000_00)]) {
      const [settling] = given().when(command).decisions;
      expect(settlesItsReference(command)).toBe(settling.settles);
      expect(settling.settles).toBe(true);
    }
  });
});
