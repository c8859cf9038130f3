import { toStatus, withMainAccount } from './status';
import {
  appealDenied,
  appealPending,
  authenticatedLimited,
  cardChecking,
  cardMatched,
  cardMismatch,
  cardRequired,
  CARD,
  depositPending,
  depositSettled,
  event,
  HOLDER,
  IDENTITY,
  identityConfirmed,
  identityMismatched,
  identitySubmitted,
  identityVerified,
  locked,
  MAIN,
  occupancyDisputed,
  occupiedByVerified,
  reviewPending,
  reviewRejected,
  smsSent,
  started,
  T0,
  t,
} from './testing/verification.fixtures';
import type { VerificationEvent } from './verification.events';
import { evolve } from './verification.evolve';
import { initialState } from './verification.state';

const statusAfter = (history: VerificationEvent[]) =>
  toStatus(history.reduce(evolve, initialState()));

describe('status document parts', () => {
  it('not started: start is the only action', () => {
    expect(statusAfter([])).toEqual({
      state: 'not_started',
      authenticated: false,
      tier: 'none',
      nextActions: ['start_verification'],
      deadlines: {},
    });
  });

  it('identity being checked: nothing to do, the check in progress', () => {
    expect(statusAfter(identitySubmitted)).toEqual({
      state: 'identity_pending',
      authenticated: false,
      tier: 'none',
      nextActions: [],
      deadlines: {},
      identityCheck: 'in_progress',
    });
  });

  it('manual review rejected: the reviewer message reaches the user', () => {
    expect(statusAfter(reviewRejected)).toMatchObject({
      state: 'manual_review_rejected',
      notice: { code: 'blurred_certificate', message: 'The certificate photo is blurred.' },
    });
  });

  it('appeal pending and denied', () => {
    expect(statusAfter(appealPending)).toMatchObject({
      state: 'appeal_pending',
      nextActions: [],
      case: { id: 'case-ap-1', kind: 'appeal' },
    });
    expect(statusAfter(appealDenied)).toMatchObject({
      state: 'appeal_denied',
      nextActions: ['submit_identity'],
    });
  });

  it('identity verified: confirm, defer, or change', () => {
    expect(statusAfter(identityVerified)).toMatchObject({
      state: 'identity_verified',
      authenticated: false,
      nextActions: ['confirm_identity', 'defer_confirmation', 'submit_identity'],
    });
  });

  it('identity confirmed: the ID-photo step', () => {
    expect(statusAfter(identityConfirmed)).toMatchObject({
      state: 'identity_confirmed',
      nextActions: ['upload_id_documents', 'skip_id_documents'],
    });
  });

  it('bank card: entering, waiting for the bank, agreement pending', () => {
    expect(statusAfter(cardRequired).nextActions).toEqual(['submit_bank_card']);
    expect(statusAfter(cardChecking).nextActions).toEqual([]);
    expect(statusAfter(cardMatched)).toMatchObject({
      state: 'bank_card_required',
      nextActions: ['accept_agreement', 'change_bank_card'],
    });
  });

  it('SMS code sent: enter, resend after the cool-down, or change card', () => {
    expect(statusAfter(smsSent)).toEqual({
      state: 'sms_pending',
      authenticated: false,
      tier: 'none',
      nextActions: ['enter_sms_code', 'resend_sms_code', 'change_bank_card'],
      deadlines: { smsCodeExpiresAt: t('5m'), smsResendableAt: t('60s') },
    });
  });

  it('micro-deposit on its way, then arrived', () => {
    expect(statusAfter(depositPending)).toMatchObject({
      state: 'micro_deposit_pending',
      nextActions: ['change_bank_card'],
    });
    expect(statusAfter(depositSettled)).toMatchObject({
      state: 'micro_deposit_settled',
      deadlines: { microDepositWindowEndsAt: t('11d') },
    });
  });

  it('authenticated: limited until photos are accepted', () => {
    expect(statusAfter(authenticatedLimited)).toEqual({
      state: 'authenticated',
      authenticated: true,
      tier: 'limited',
      nextActions: ['upload_id_documents', 'associate_account'],
      deadlines: {},
    });
    expect(
      statusAfter([
        ...authenticatedLimited,
        event('IdDocumentsSubmitted', { at: t('1d'), frontId: 'f', backId: 'b' }),
      ]).nextActions,
    ).toEqual(['associate_account']);
  });

  it('locked: the end of the lock', () => {
    expect(statusAfter(locked)).toEqual({
      state: 'locked',
      authenticated: false,
      tier: 'none',
      nextActions: [],
      deadlines: { identityLockedUntil: t('3h') },
      notice: { code: 'payment_password_locked' },
    });
  });

  describe('associated account', () => {
    const associated = statusAfter([
      ...occupiedByVerified,
      event('AccountAssociated', { at: T0, mainAccountId: HOLDER, via: 'occupancy' }),
    ]);

    it('is not authenticated on its own, and names its main account', () => {
      expect(associated).toEqual({
        state: 'associated',
        authenticated: false,
        tier: 'none',
        nextActions: [],
        deadlines: {},
        mainAccountId: HOLDER,
      });
    });

    it("takes its main account's authentication and tier", () => {
      expect(withMainAccount(associated, statusAfter(authenticatedLimited))).toMatchObject({
        state: 'associated',
        authenticated: true,
        tier: 'limited',
        mainAccountId: HOLDER,
      });
      expect(withMainAccount(associated, statusAfter(identityVerified))).toMatchObject({
        authenticated: false,
        tier: 'none',
      });
    });

    it('leaves any other account as it is', () => {
      const own = statusAfter(started);
      expect(withMainAccount(own, statusAfter(authenticatedLimited))).toBe(own);
    });
  });

  it.each([
    ['started', started],
    ['identity submitted', identitySubmitted],
    ['identity mismatched', identityMismatched],
    ['manual review pending', reviewPending],
    ['occupancy disputed', occupancyDisputed],
    ['identity confirmed', identityConfirmed],
    ['card mismatch', cardMismatch],
    ['SMS sent', smsSent],
    ['micro-deposit settled', depositSettled],
    ['authenticated', authenticatedLimited],
    [
      'associated',
      [event('AccountAssociated', { at: T0, mainAccountId: MAIN, via: 'main_account' })],
    ],
  ])('shows no personal data, secret or other account (%s)', (_label, history) => {
    const text = JSON.stringify(statusAfter(history as VerificationEvent[]));
    for (const secret of [
      IDENTITY.encrypted.name,
      IDENTITY.encrypted.idNumber,
      IDENTITY.registryId,
      IDENTITY.subjectId!,
      CARD.encrypted.cardNumber,
      CARD.encrypted.mobile,
      'sms-hash',
      'amount-hash',
      HOLDER,
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});
