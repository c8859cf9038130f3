import {
  evolve,
  initialState,
  toStatus,
  withMainAccount,
  type EventOfType,
  type VerificationEvent,
  type VerificationEventType,
} from '@shiming/verification/domain';
import { allowanceHolder, effectiveTier, evolveTier, tierRecordOf } from './account-tier';

const AT = '2026-11-20T02:00:00.000Z';

function event<T extends VerificationEventType>(
  type: T,
  data: Omit<EventOfType<T>['data'], 'at'>,
): VerificationEvent {
  return { type, data: { ...data, at: AT } } as VerificationEvent;
}

const IDENTITY = {
  encrypted: { name: 'v1:enc:name', idNumber: 'v1:enc:id' },
  registryId: 'idh-1',
};
const CARD = {
  encrypted: { cardNumber: 'v1:enc:card', mobile: 'v1:enc:mobile' },
  bound: false,
};

const confirmed = [
  event('VerificationStarted', { region: 'mainland' }),
  event('IdentitySubmitted', { identity: IDENTITY }),
  event('IdentityVerified', {}),
  event('IdentityConfirmed', {}),
];
const smsAuthenticated = (tier: 'limited' | 'full') => [
  event('BankCardSubmitted', { card: CARD }),
  event('BankCardMatched', {}),
  event('AgreementAccepted', {}),
  event('SmsCodeIssued', { codeHash: 'h', expiresAt: AT, resendableAt: AT }),
  event('SmsCodeVerified', {}),
  event('Authenticated', { tier, via: 'sms_code' }),
];
const revoked = event('IdentityRevoked', {
  registryId: 'idh-1',
  reason: 'claimed_by_owner',
  byAccountId: 'acct-owner',
  notice: { code: 'identity_revoked_appeal_upheld' },
});

const limitedThenUpgradedThenRevoked = [
  ...confirmed,
  event('IdDocumentsSkipped', {}),
  ...smsAuthenticated('limited'),
  event('IdDocumentsSubmitted', { frontId: 'doc-f', backId: 'doc-b' }),
  event('IdDocumentsAccepted', {}),
  event('TierUpgraded', { tier: 'full' }),
  revoked,
];
const fullWithPhotos = [
  ...confirmed,
  event('IdDocumentsSubmitted', { frontId: 'doc-f', backId: 'doc-b' }),
  event('IdDocumentsAccepted', {}),
  ...smsAuthenticated('full'),
];
const associated = [
  event('VerificationStarted', { region: 'mainland' }),
  event('AccountAssociated', { mainAccountId: 'acct-main', via: 'main_account' }),
];

function statusOf(history: VerificationEvent[]) {
  return toStatus(history.reduce(evolve, initialState()));
}

describe('the tier of an account from its verification events', () => {
  it.each([
    ['limited, upgraded, then revoked', limitedThenUpgradedThenRevoked],
    ['full with photos', fullWithPhotos],
  ])('agrees with the status document at every step (%s)', (_name, history) => {
    for (let n = 0; n <= history.length; n++) {
      const prefix = history.slice(0, n);
      const record = tierRecordOf(prefix);
      expect(effectiveTier(record, null)).toBe(statusOf(prefix).tier);
    }
  });

  it('follows the main account for an associated account, as the status document does', () => {
    for (let n = 0; n <= limitedThenUpgradedThenRevoked.length; n++) {
      const main = limitedThenUpgradedThenRevoked.slice(0, n);
      const expected = withMainAccount(statusOf(associated), statusOf(main)).tier;
      expect(effectiveTier(tierRecordOf(associated), tierRecordOf(main))).toBe(expected);
    }
  });

  it('records the main account of an associated account', () => {
    expect(tierRecordOf(associated)).toEqual({
      tier: 'none',
      mainAccountId: 'acct-main',
      changedAt: AT,
    });
  });

  it('keeps a known main account through later tier events', () => {
    const record = evolveTier(
      { tier: 'none', mainAccountId: 'acct-main', changedAt: AT },
      { type: 'IdentityRevoked', data: revoked.data as EventOfType<'IdentityRevoked'>['data'] },
    );
    expect(record.mainAccountId).toBe('acct-main');
  });

  it('gives an account without a row tier none', () => {
    expect(effectiveTier(null, null)).toBe('none');
    expect(effectiveTier({ tier: 'none', mainAccountId: 'acct-main' }, null)).toBe('none');
  });

  it('counts an associated account against its main account’s allowance', () => {
    expect(allowanceHolder('acct-2', { mainAccountId: 'acct-main' })).toBe('acct-main');
    expect(allowanceHolder('acct-2', { mainAccountId: null })).toBe('acct-2');
    expect(allowanceHolder('acct-2', null)).toBe('acct-2');
  });
});
