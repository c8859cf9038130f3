import {
  appealPending,
  authenticatedLimited,
  CARD,
  cardMatched,
  cardMismatch,
  event,
  HOLDER,
  IDENTITY,
  identityConfirmed,
  MAIN,
  smsSent,
  started,
  T0,
  t,
} from './testing/verification.fixtures';
import { effectsOf, ERASED_DOCUMENTS_PURGE_TIMER, outsideCallKindOf } from './verification.effects';
import type { VerificationEvent } from './verification.events';
import { evolve } from './verification.evolve';
import { initialState } from './verification.state';
import { VerificationTimerKind } from './verification.timers';

const ACCOUNT = 'acct-1';

/** Given the account's past events, when these new ones are appended: what they cause. */
function given(history: VerificationEvent[]) {
  const before = history.reduce(evolve, initialState());
  return { when: (...events: VerificationEvent[]) => effectsOf(ACCOUNT, before, events) };
}

const NOTHING = { timers: [], calls: [], registry: [], erasures: [], messages: [] };

describe('what an account’s events cause', () => {
  it('asks the identity authority about a submitted identity, and nothing else yet', () => {
    expect(given(started).when(event('IdentitySubmitted', { at: T0, identity: IDENTITY }))).toEqual(
      { ...NOTHING, calls: [{ kind: 'identity_check', eventIndex: 0 }] },
    );
  });

  it('sends the SMS code, with the code as the call’s secret, and arms its expiry', () => {
    const issued = event('SmsCodeIssued', {
      at: T0,
      codeHash: 'h',
      expiresAt: t('5m'),
      resendableAt: t('60s'),
    });
    expect(given(cardMatched).when(event('AgreementAccepted', { at: T0 }), issued)).toEqual({
      ...NOTHING,
      timers: [{ kind: VerificationTimerKind.SmsCodeExpiry, dueAt: t('5m') }],
      calls: [{ kind: 'sms', eventIndex: 1, secret: 'smsCode' }],
    });
  });

  it('pays a micro-deposit out, with its amount as the call’s secret', () => {
    expect(
      given(cardMismatch).when(
        event('MicroDepositRequested', { at: T0, depositId: 'dep-1', amountHash: 'a' }),
      ).calls,
    ).toEqual([{ kind: 'payout', eventIndex: 0, secret: 'depositAmountFen' }]);
  });

  it('cancels the SMS and deposit timers when the card changes', () => {
    expect(given(smsSent).when(event('BankCardChanged', { at: t('1m') }))).toEqual({
      ...NOTHING,
      timers: [
        { kind: VerificationTimerKind.SmsCodeExpiry, dueAt: null },
        { kind: VerificationTimerKind.MicroDepositWindow, dueAt: null },
      ],
    });
  });

  it('erases an identity taken away: its key and documents, and a timer for their files', () => {
    const effects = given(authenticatedLimited).when(
      event('IdentityRevoked', {
        at: t('3d'),
        registryId: IDENTITY.registryId,
        reason: 'appeal_upheld',
        byAccountId: 'acct-2',
        notice: { code: 'identity_revoked_appeal_upheld' },
      }),
    );
    expect(effects.erasures).toEqual([{ subjectId: IDENTITY.subjectId }]);
    expect(effects.timers).toContainEqual({
      kind: ERASED_DOCUMENTS_PURGE_TIMER,
      key: IDENTITY.subjectId,
      dueAt: t('3d'),
      payload: { subjectId: IDENTITY.subjectId },
    });
    expect(effects.registry).toEqual([
      {
        target: { registryId: IDENTITY.registryId },
        command: { type: 'ReleaseHolder', data: { accountId: ACCOUNT, reason: 'revoked' } },
      },
    ]);
  });

  it('erases nothing of an account that holds no identity', () => {
    const revoked = event('IdentityRevoked', {
      at: t('3d'),
      registryId: IDENTITY.registryId,
      reason: 'appeal_upheld',
      byAccountId: 'acct-2',
      notice: { code: 'identity_revoked_appeal_upheld' },
    });
    expect(given(started).when(revoked).erasures).toEqual([]);
  });

  it('tells the holder an upheld appeal took its identity, and records the new holder', () => {
    const effects = given(appealPending).when(
      event('AppealUpheld', {
        at: t('2d'),
        caseId: 'case-ap-1',
        holderAccountId: HOLDER,
        registryId: IDENTITY.registryId,
      }),
    );
    expect(effects.messages).toEqual([
      {
        accountId: HOLDER,
        command: {
          type: 'RevokeIdentity',
          data: {
            at: t('2d'),
            registryId: IDENTITY.registryId,
            reason: 'appeal_upheld',
            byAccountId: ACCOUNT,
          },
        },
      },
    ]);
    expect(effects.registry).toEqual([
      {
        target: { registryId: IDENTITY.registryId },
        command: {
          type: 'RecordHolder',
          data: { accountId: ACCOUNT, via: 'appeal_upheld', replacing: HOLDER },
        },
      },
    ]);
  });

  it('tells a main account of its new associated account', () => {
    expect(
      given(started).when(
        event('AccountAssociated', { at: T0, mainAccountId: MAIN, via: 'main_account' }),
      ).messages,
    ).toEqual([
      {
        accountId: MAIN,
        command: { type: 'AcceptAssociatedAccount', data: { at: T0, accountId: ACCOUNT } },
      },
    ]);
  });

  it('causes nothing for a step that changes only the account itself', () => {
    expect(given(identityConfirmed).when(event('IdDocumentsSkipped', { at: T0 }))).toEqual(NOTHING);
    expect(
      given(cardMatched).when(event('BankCardSubmitted', { at: T0, card: CARD })).calls,
    ).toEqual([{ kind: 'bank_check', eventIndex: 0 }]);
  });

  it('names the outside party of each calling event type, and none of the others', () => {
    expect(outsideCallKindOf('IdDocumentsSubmitted')).toBe('document_check');
    expect(outsideCallKindOf('IdentityCheckRetried')).toBe('identity_check');
    expect(outsideCallKindOf('IdentityConfirmed')).toBeUndefined();
  });
});
