// Step 6 and the effects of other accounts: associations, and an identity taken back.
import type {
  AcceptAssociatedAccount,
  AssociateAccount,
  RevokeIdentity,
} from '../verification.commands';
import type { VerificationEvent } from '../verification.events';
import {
  ASSOCIABLE_STATUSES,
  type RevocationReason,
  type VerificationState,
} from '../verification.state';
import { event, inState, refused, heldIdentity } from './step-helpers';

// ── 6. associations and effects of other accounts ───────────────────────────────────

/** What the user is told when another account takes back the identity this one held. */
export const REVOCATION_NOTICES: { [R in RevocationReason]: string } = {
  appeal_upheld:
    'Your real-name identity was removed: its owner proved in an appeal that it is theirs. Verify again with your own identity.',
  claimed_by_owner:
    'Your real-name identity was removed: its owner verified it on their own account. Verify again with your own identity.',
};

export function associateAccount(
  { data }: AssociateAccount,
  state: VerificationState,
): VerificationEvent[] {
  const s = inState(state, [...ASSOCIABLE_STATUSES, 'associated'], 'AssociateAccount');
  if (s.status === 'associated') {
    if (s.mainAccountId === data.mainAccountId) return [];
    throw refused(s, 'AssociateAccount', 'already associated with another account');
  }
  if (s.status === 'identity_pending' && s.awaiting === 'authority') {
    throw refused(s, 'AssociateAccount', 'the identity is being checked');
  }
  return [
    event('AccountAssociated', {
      at: data.at,
      mainAccountId: data.mainAccountId,
      via: 'main_account',
    }),
  ];
}

export function acceptAssociatedAccount(
  { data }: AcceptAssociatedAccount,
  state: VerificationState,
): VerificationEvent[] {
  const holder = heldIdentity(state);
  if (!holder || holder.associatedAccounts.includes(data.accountId)) return [];
  return [event('AssociatedAccountAccepted', { at: data.at, accountId: data.accountId })];
}

export function revokeIdentity(
  { data }: RevokeIdentity,
  state: VerificationState,
): VerificationEvent[] {
  const holder = heldIdentity(state);
  // The account may have moved on to another identity, or lost this one already.
  if (!holder || holder.identity.registryId !== data.registryId) return [];
  return [
    event('IdentityRevoked', {
      at: data.at,
      registryId: data.registryId,
      reason: data.reason,
      byAccountId: data.byAccountId,
      notice: REVOCATION_NOTICES[data.reason],
    }),
  ];
}
