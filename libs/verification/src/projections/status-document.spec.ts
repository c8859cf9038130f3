import { evolve, initialState, type VerificationEvent } from '../domain';
import {
  authenticatedLimited,
  event,
  MAIN,
  reviewPending,
  started,
  T0,
} from '../domain/testing/verification.fixtures';
import { statusDocument, statusEtag, withMainStatus } from './status-document';

function documentOf(history: VerificationEvent[]) {
  return statusDocument({
    accountId: 'acct-1',
    state: history.reduce(evolve, initialState()),
    version: history.length,
    updatedAt: T0,
  });
}

describe('the status document', () => {
  it('is not_started, version 0, before anything happened', () => {
    expect(
      statusDocument({ accountId: 'acct-1', state: initialState(), version: 0, updatedAt: null }),
    ).toEqual({
      accountId: 'acct-1',
      state: 'not_started',
      authenticated: false,
      tier: 'none',
      nextActions: ['start_verification'],
      deadlines: {},
      version: 0,
      updatedAt: null,
    });
  });

  it('shows an open case with its due time', () => {
    expect(documentOf(reviewPending).case).toEqual({
      id: 'case-mr-1',
      kind: 'manual_review',
      status: 'open',
      dueAt: expect.any(String),
    });
  });

  it('gives an associated account its main account’s authentication and tier', () => {
    const associated = documentOf([
      ...started,
      event('AccountAssociated', { at: T0, mainAccountId: MAIN, via: 'main_account' }),
    ]);
    expect(associated).toMatchObject({ state: 'associated', authenticated: false, tier: 'none' });
    expect(withMainStatus(associated, documentOf(authenticatedLimited))).toMatchObject({
      state: 'associated',
      mainAccountId: MAIN,
      authenticated: true,
      tier: 'limited',
    });
    // Only an associated account takes the overlay.
    const own = documentOf(started);
    expect(withMainStatus(own, documentOf(authenticatedLimited))).toBe(own);
  });

  it('tags versions, and an associated account’s with its main account’s version', () => {
    expect(statusEtag(7)).toBe('"7"');
    expect(statusEtag(3, 12)).toBe('"3.12"');
  });
});
