// Step 6 and the effects of other accounts: associations, and an identity taken back.
import type {
  AcceptAssociatedAccount,
  AssociateAccount,
  RevokeIdentity,
} from '../verification.commands';
import { revocationNotice, type VerificationEvent } from '../verification.events';
import { ASSOCIABLE_STATUSES, type VerificationState } from '../verification.state';
import { event, inState, refused, heldIdentity } from './step-helpers';

// ── 6. associations and effects of other accounts ───────────────────────────────────

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
      notice: revocationNotice(data.reason),
    }),
  ];
}
