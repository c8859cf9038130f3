import type { VerificationEvent } from './verification.events';
import { evolve } from './verification.evolve';
import { initialState } from './verification.state';
import {
  appealPending,
  authenticatedLimited,
  event,
  HOLDER,
  IDENTITY,
  identitySubmitted,
  identityVerified,
  MAIN,
  occupiedByAuthenticated,
  occupiedByVerified,
  OTHER_IDENTITY,
  reviewPending,
  started,
  T0,
} from './testing/verification.fixtures';
import { registryChanges } from './registry-changes';

const ACCOUNT = 'acct-1';

function changes(history: VerificationEvent[], ...events: VerificationEvent[]) {
  return registryChanges(ACCOUNT, history.reduce(evolve, initialState()), events);
}

describe('identity registry changes from an account’s events', () => {
  it('records the account as holder when the authority verifies its identity', () => {
    expect(changes(identitySubmitted, event('IdentityVerified', { at: T0 }))).toEqual([
      {
        target: { registryId: IDENTITY.registryId },
        command: { type: 'RecordHolder', data: { accountId: ACCOUNT, via: 'authority' } },
      },
    ]);
  });

  it('records the holder when a reviewer approves the identity', () => {
    expect(
      changes(reviewPending, event('ManualReviewApproved', { at: T0, caseId: 'case-mr-1' })),
    ).toEqual([
      {
        target: { registryId: IDENTITY.registryId },
        command: { type: 'RecordHolder', data: { accountId: ACCOUNT, via: 'manual_review' } },
      },
    ]);
  });

  it('takes the identity from the holder an upheld appeal or a reclaim was against', () => {
    const upheld = event('AppealUpheld', {
      at: T0,
      caseId: 'case-ap-1',
      holderAccountId: HOLDER,
      registryId: IDENTITY.registryId,
    });
    expect(changes(appealPending, upheld)).toEqual([
      {
        target: { registryId: IDENTITY.registryId },
        command: {
          type: 'RecordHolder',
          data: { accountId: ACCOUNT, via: 'appeal_upheld', replacing: HOLDER },
        },
      },
    ]);
    const reclaimed = event('IdentityReclaimed', {
      at: T0,
      holderAccountId: HOLDER,
      registryId: IDENTITY.registryId,
    });
    expect(changes(occupiedByVerified, reclaimed)[0].command).toEqual({
      type: 'RecordHolder',
      data: { accountId: ACCOUNT, via: 'reclaimed', replacing: HOLDER },
    });
  });

  it('records associated accounts, by occupancy and by a main account', () => {
    expect(
      changes(
        occupiedByAuthenticated,
        event('OccupancyClaimedAsOwn', { at: T0, holderAccountId: HOLDER }),
      ),
    ).toEqual([
      {
        target: { registryId: IDENTITY.registryId },
        command: {
          type: 'RecordAssociatedAccount',
          data: { accountId: ACCOUNT, via: 'occupancy' },
        },
      },
    ]);
    expect(
      changes(
        started,
        event('AccountAssociated', { at: T0, mainAccountId: MAIN, via: 'main_account' }),
      ),
    ).toEqual([
      {
        target: { identityOfAccount: MAIN },
        command: {
          type: 'RecordAssociatedAccount',
          data: { accountId: ACCOUNT, via: 'main_account' },
        },
      },
    ]);
  });

  it('releases the identity a holder gives up for another, and one revoked', () => {
    expect(
      changes(identityVerified, event('IdentitySubmitted', { at: T0, identity: OTHER_IDENTITY })),
    ).toEqual([
      {
        target: { registryId: IDENTITY.registryId },
        command: { type: 'ReleaseHolder', data: { accountId: ACCOUNT, reason: 'resubmitted' } },
      },
    ]);
    expect(
      changes(identityVerified, event('IdentitySubmitted', { at: T0, identity: IDENTITY })),
    ).toEqual([]);
    expect(
      changes(
        authenticatedLimited,
        event('IdentityRevoked', {
          at: T0,
          registryId: IDENTITY.registryId,
          reason: 'appeal_upheld',
          byAccountId: 'acct-2',
          notice: { code: 'identity_revoked_appeal_upheld' },
        }),
      )[0].command,
    ).toEqual({ type: 'ReleaseHolder', data: { accountId: ACCOUNT, reason: 'revoked' } });
  });

  it('changes nothing for the other steps', () => {
    expect(changes(identityVerified, event('IdentityConfirmed', { at: T0 }))).toEqual([]);
  });
});
