import { command, event, T0, t } from './testing/verification.fixtures';
import { COMMAND_SOURCES } from './verification.commands';
import { decide } from './verification.decider';
import {
  TIMER_COMMANDS,
  timerChanges,
  timersToCancel,
  timersToSchedule,
  VerificationTimerKind as Kind,
} from './verification.timers';
import { initialState } from './verification.state';

describe('verification timers', () => {
  it.each([
    [
      event('IdentityCheckDeferred', { at: T0, attempt: 1, retryAt: t('30s') }),
      Kind.IdentityCheckRetry,
      t('30s'),
    ],
    [event('IdentitySubmissionLocked', { at: T0, until: t('3h') }), Kind.IdentityUnlock, t('3h')],
    [
      event('SmsCodeIssued', { at: T0, codeHash: 'h', expiresAt: t('5m'), resendableAt: t('60s') }),
      Kind.SmsCodeExpiry,
      t('5m'),
    ],
    [
      event('MicroDepositSettled', { at: T0, depositId: 'd', windowEndsAt: t('10d') }),
      Kind.MicroDepositWindow,
      t('10d'),
    ],
  ])('%o schedules %s at its due instant', (e, kind, dueAt) => {
    expect(timersToSchedule([e])).toEqual([{ kind, dueAt }]);
    // Re-arming: a live timer of the kind is cancelled first.
    expect(timersToCancel([e])).toEqual([kind]);
  });

  it.each([
    ['SmsCodeVerified', event('SmsCodeVerified', { at: T0 }), [Kind.SmsCodeExpiry]],
    [
      'MicroDepositConfirmed',
      event('MicroDepositConfirmed', { at: T0 }),
      [Kind.MicroDepositWindow],
    ],
    [
      'BankCardChanged',
      event('BankCardChanged', { at: T0 }),
      [Kind.SmsCodeExpiry, Kind.MicroDepositWindow],
    ],
  ])('%s cancels what it ends', (_name, e, kinds) => {
    expect(timerChanges([e])).toEqual({ cancel: kinds, schedule: [] });
  });

  it('cancels every timer but the unlock when the identity is revoked', () => {
    const { cancel } = timerChanges([
      event('IdentityRevoked', {
        at: T0,
        registryId: 'h',
        reason: 'appeal_upheld',
        byAccountId: 'a',
        notice: { code: 'identity_revoked_appeal_upheld' },
      }),
    ]);
    expect(cancel).not.toContain(Kind.IdentityUnlock);
    expect(cancel).toContain(Kind.SmsCodeExpiry);
    expect(cancel).toContain(Kind.MicroDepositWindow);
  });

  it('lets the last event of a batch decide: a code issued and used up at once leaves no timer', () => {
    expect(
      timerChanges([
        event('SmsCodeIssued', {
          at: T0,
          codeHash: 'h',
          expiresAt: t('5m'),
          resendableAt: t('60s'),
        }),
        event('SmsCodeAttemptsExhausted', { at: T0 }),
      ]),
    ).toEqual({ cancel: [Kind.SmsCodeExpiry], schedule: [] });
  });

  it('leaves case SLAs to the case stream in the back office', () => {
    const opened = event('ManualReviewRequested', {
      at: T0,
      caseId: 'c',
      documentIds: ['a', 'b'],
      dueAt: t('48h'),
    });
    const denied = event('AppealDenied', {
      at: T0,
      caseId: 'c',
      reasonCode: 'r',
      userMessage: 'm',
    });
    expect(timerChanges([opened])).toEqual({ cancel: [], schedule: [] });
    expect(timerChanges([denied])).toEqual({ cancel: [], schedule: [] });
  });

  it('schedules nothing for events without a timer', () => {
    expect(timerChanges([event('IdentityConfirmed', { at: T0 })])).toEqual({
      cancel: [],
      schedule: [],
    });
  });

  it('fires a command of this account that never throws, or belongs to the back office', () => {
    for (const [kind, type] of Object.entries(TIMER_COMMANDS)) {
      if (type === null) {
        expect([Kind.ManualReviewSla, Kind.AppealSla]).toContain(kind);
        continue;
      }
      expect(COMMAND_SOURCES[type]).toBe('timer');
      expect(decide(command(type, { at: t('1d') }), initialState())).toEqual([]);
    }
  });
});
