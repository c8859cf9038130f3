import type { Decider, DomainEvent } from '@shiming/workflow';

// Who holds each identity (one registry per ID number, found through the occupancy
// lookup), and which accounts are associated with it. One small stream per identity: appending to it at its version, in
// the transaction of the account's event, is what keeps an identity to one holder when
// two accounts claim it at once. Account ids only; no personal data.

/** How an account came to hold the identity. */
export type HoldingVia = 'authority' | 'manual_review' | 'appeal_upheld' | 'reclaimed';

export type IdentityRegistryEvent =
  | DomainEvent<'IdentityHolderRecorded', { accountId: string; via: HoldingVia; replaced?: string }>
  | DomainEvent<'IdentityHolderReleased', { accountId: string; reason: 'revoked' | 'resubmitted' }>
  | DomainEvent<
      'AssociatedAccountRecorded',
      { accountId: string; via: 'occupancy' | 'main_account' }
    >;

type CommandOf<Type extends string, Data> = { type: Type; data: Data };

export type IdentityRegistryCommand =
  /** `replacing`: the holder an upheld appeal or a reclaim takes the identity from. */
  | CommandOf<'RecordHolder', { accountId: string; via: HoldingVia; replacing?: string }>
  | CommandOf<'ReleaseHolder', { accountId: string; reason: 'revoked' | 'resubmitted' }>
  | CommandOf<'RecordAssociatedAccount', { accountId: string; via: 'occupancy' | 'main_account' }>;

export interface IdentityRegistryState {
  holder: string | null;
  associated: string[];
}

export const IDENTITY_REGISTRY_EVENT_DEFINITIONS = [
  { type: 'IdentityHolderRecorded', schemaVersion: 1 },
  { type: 'IdentityHolderReleased', schemaVersion: 1 },
  { type: 'AssociatedAccountRecorded', schemaVersion: 1 },
] as const satisfies readonly { type: IdentityRegistryEvent['type']; schemaVersion: number }[];

/** Another account holds the identity: the caller decides again with that knowledge. */
export class IdentityHeldByAnotherAccountError extends Error {
  readonly code = 'identity_occupied';
  readonly status = 409;

  constructor(readonly holder: string) {
    super('Another account holds this identity.');
    this.name = 'IdentityHeldByAnotherAccountError';
  }
}

export const identityRegistryDecider: Decider<
  IdentityRegistryState,
  IdentityRegistryCommand,
  IdentityRegistryEvent
> = {
  initialState: () => ({ holder: null, associated: [] }),

  evolve(state, event) {
    switch (event.type) {
      case 'IdentityHolderRecorded':
        return {
          holder: event.data.accountId,
          associated: state.associated.filter((id) => id !== event.data.accountId),
        };
      case 'IdentityHolderReleased':
        return state.holder === event.data.accountId ? { ...state, holder: null } : state;
      case 'AssociatedAccountRecorded':
        return state.associated.includes(event.data.accountId)
          ? state
          : { ...state, associated: [...state.associated, event.data.accountId] };
      default:
        return state;
    }
  },

  decide(command, state) {
    const { accountId } = command.data;
    switch (command.type) {
      case 'RecordHolder': {
        if (state.holder === accountId) return [];
        const { via, replacing } = command.data;
        if (state.holder === null) {
          return [{ type: 'IdentityHolderRecorded', data: { accountId, via } }];
        }
        // Only an upheld appeal or a reclaim takes the identity, and only from the holder
        // it was decided against.
        if ((via === 'appeal_upheld' || via === 'reclaimed') && replacing === state.holder) {
          return [
            { type: 'IdentityHolderRecorded', data: { accountId, via, replaced: state.holder } },
          ];
        }
        throw new IdentityHeldByAnotherAccountError(state.holder);
      }
      case 'ReleaseHolder':
        return state.holder === accountId
          ? [{ type: 'IdentityHolderReleased', data: { accountId, reason: command.data.reason } }]
          : [];
      case 'RecordAssociatedAccount':
        return state.associated.includes(accountId) || state.holder === accountId
          ? []
          : [{ type: 'AssociatedAccountRecorded', data: { accountId, via: command.data.via } }];
      default:
        return [];
    }
  },
};

/** The account holding the identity, unless it is `except` (an account never occupies itself). */
export function occupantOf(state: IdentityRegistryState, except: string): string | null {
  return state.holder !== null && state.holder !== except ? state.holder : null;
}
