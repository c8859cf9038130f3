import type { EventOfType, VerificationEventType } from '@shiming/verification';
import type { Tier } from './limits';

// An account's tier, from the events of its verification stream
// (docs/verification-process.md): `Authenticated {tier}` sets it, `TierUpgraded` lifts
// it to full, `IdentityRevoked` (the identity went to its owner) drops it to none.
// An associated account has no tier of its own: it is authenticated, with its tier,
// exactly when its main account is (decision 10, `withMainAccount`).

/** The verification events that change a tier. */
export const TIER_EVENT_TYPES = [
  'Authenticated',
  'TierUpgraded',
  'IdentityRevoked',
  'AccountAssociated',
] as const satisfies readonly VerificationEventType[];

type TierEventType = (typeof TIER_EVENT_TYPES)[number];

/** A tier event as stored: its type and data (the rest of the stored event is not needed). */
export type TierEvent = {
  [T in TierEventType]: { type: T; data: EventOfType<T>['data'] };
}[TierEventType];

/** What one account's row says: its own tier, and its main account if associated. */
export interface AccountTierRecord {
  tier: Tier;
  mainAccountId: string | null;
  /** The instant of the last change (the event's `at`). */
  changedAt: string;
}

export function isTierEvent(event: { type: string }): event is TierEvent {
  return (TIER_EVENT_TYPES as readonly string[]).includes(event.type);
}

/**
 * The account's record from its verification events in order (the others are passed
 * over); null before its first tier event.
 */
export function tierRecordOf(
  events: readonly { type: string; data: unknown }[],
): AccountTierRecord | null {
  let record: AccountTierRecord | null = null;
  for (const event of events) if (isTierEvent(event)) record = evolveTier(record, event);
  return record;
}

/** The account's record after one of its tier events. */
export function evolveTier(record: AccountTierRecord | null, event: TierEvent): AccountTierRecord {
  const mainAccountId = record?.mainAccountId ?? null;
  const changedAt = event.data.at;
  switch (event.type) {
    case 'Authenticated':
      return { tier: event.data.tier, mainAccountId, changedAt };
    case 'TierUpgraded':
      return { tier: event.data.tier, mainAccountId, changedAt };
    case 'IdentityRevoked':
      return { tier: 'none', mainAccountId, changedAt };
    case 'AccountAssociated':
      // Only an account without a verified identity is associated; from then on the
      // main account's tier is the one that counts.
      return {
        tier: 'none',
        mainAccountId: event.data.mainAccountId,
        changedAt,
      };
  }
}

/** The tier that applies to an account: its main account's when it is associated. */
export function effectiveTier(
  account: Pick<AccountTierRecord, 'tier' | 'mainAccountId'> | null,
  main: Pick<AccountTierRecord, 'tier'> | null,
): Tier {
  if (!account) return 'none';
  if (account.mainAccountId !== null) return main?.tier ?? 'none';
  return account.tier;
}

/**
 * The account whose allowance a payment counts against: the main account of an
 * associated account, so that associating accounts cannot multiply the limits of one
 * identity; otherwise the account itself.
 */
export function allowanceHolder(
  accountId: string,
  account: Pick<AccountTierRecord, 'mainAccountId'> | null,
): string {
  return account?.mainAccountId ?? accountId;
}
