import type { AcceptAssociatedAccount, RevokeIdentity } from './verification.commands';
import type { VerificationEvent } from './verification.events';

/** A command for another account's stream, caused by an event of this one. */
export interface CommandForAccount {
  accountId: string;
  command: RevokeIdentity | AcceptAssociatedAccount;
}

/**
 * What an event of account `accountId` asks of other accounts. The process manager
 * reading the log sends these; they are no-ops when the other account has moved on.
 */
export function commandsForOtherAccounts(
  accountId: string,
  event: VerificationEvent,
): CommandForAccount[] {
  const at = event.data.at;
  switch (event.type) {
    case 'AppealUpheld':
      return [
        {
          accountId: event.data.holderAccountId,
          command: {
            type: 'RevokeIdentity',
            data: {
              at,
              registryId: event.data.registryId,
              reason: 'appeal_upheld',
              byAccountId: accountId,
            },
          },
        },
      ];
    case 'IdentityReclaimed':
      return [
        {
          accountId: event.data.holderAccountId,
          command: {
            type: 'RevokeIdentity',
            data: {
              at,
              registryId: event.data.registryId,
              reason: 'claimed_by_owner',
              byAccountId: accountId,
            },
          },
        },
      ];
    case 'AccountAssociated':
      return [
        {
          accountId: event.data.mainAccountId,
          command: { type: 'AcceptAssociatedAccount', data: { at, accountId } },
        },
      ];
    default:
      return [];
  }
}
