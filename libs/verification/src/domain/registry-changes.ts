import type { VerificationEvent } from './verification.events';
import { evolve } from './verification.evolve';
import { isHolder, type SubmittedIdentity, type VerificationState } from './verification.state';
import type { IdentityRegistryCommand } from './identity-registry.decider';

/** Which registry a change goes to: an identity's, or the one a main account holds. */
export type RegistryTarget = { registryId: string } | { identityOfAccount: string };

export interface RegistryChange {
  target: RegistryTarget;
  command: IdentityRegistryCommand;
}

/**
 * What new events of one account change in the identity registry, given the state
 * before them: holders recorded and released, associated accounts recorded.
 */
export function registryChanges(
  accountId: string,
  before: VerificationState,
  events: readonly VerificationEvent[],
): RegistryChange[] {
  const changes: RegistryChange[] = [];
  let state = before;
  for (const event of events) {
    changes.push(...changesOf(accountId, state, event));
    state = evolve(state, event);
  }
  return changes;
}

function changesOf(
  accountId: string,
  state: VerificationState,
  event: VerificationEvent,
): RegistryChange[] {
  const identity = identityOf(state);
  const on = (registryId: string, command: IdentityRegistryCommand): RegistryChange[] => [
    { target: { registryId }, command },
  ];
  switch (event.type) {
    case 'IdentitySubmitted': {
      // A holder that submits another identity lets go of the one it held.
      const held = heldIdentity(state);
      if (!held || held.registryId === event.data.identity.registryId) return [];
      return on(held.registryId, {
        type: 'ReleaseHolder',
        data: { accountId, reason: 'resubmitted' },
      });
    }
    case 'IdentityVerified':
      return identity
        ? on(identity.registryId, { type: 'RecordHolder', data: { accountId, via: 'authority' } })
        : [];
    case 'ManualReviewApproved':
      return identity
        ? on(identity.registryId, {
            type: 'RecordHolder',
            data: { accountId, via: 'manual_review' },
          })
        : [];
    case 'AppealUpheld':
      return on(event.data.registryId, {
        type: 'RecordHolder',
        data: { accountId, via: 'appeal_upheld', replacing: event.data.holderAccountId },
      });
    case 'IdentityReclaimed':
      return on(event.data.registryId, {
        type: 'RecordHolder',
        data: { accountId, via: 'reclaimed', replacing: event.data.holderAccountId },
      });
    case 'OccupancyClaimedAsOwn':
      return identity
        ? on(identity.registryId, {
            type: 'RecordAssociatedAccount',
            data: { accountId, via: 'occupancy' },
          })
        : [];
    case 'AccountAssociated':
      if (event.data.via === 'occupancy') {
        return identity
          ? on(identity.registryId, {
              type: 'RecordAssociatedAccount',
              data: { accountId, via: 'occupancy' },
            })
          : [];
      }
      return [
        {
          target: { identityOfAccount: event.data.mainAccountId },
          command: { type: 'RecordAssociatedAccount', data: { accountId, via: 'main_account' } },
        },
      ];
    case 'IdentityRevoked':
      return on(event.data.registryId, {
        type: 'ReleaseHolder',
        data: { accountId, reason: 'revoked' },
      });
    default:
      return [];
  }
}

/** The identity an account has submitted or holds, in any state that has one. */
export function identityOf(state: VerificationState): SubmittedIdentity | undefined {
  if (state.status === 'locked') return identityOf(state.resume);
  return 'identity' in state ? state.identity : undefined;
}

/** The verified identity the account holds (also while locked). */
export function heldIdentity(state: VerificationState): SubmittedIdentity | undefined {
  if (isHolder(state)) return state.identity;
  if (state.status === 'locked' && isHolder(state.resume)) return state.resume.identity;
  return undefined;
}
