import { EventTypeRegistry } from '@shiming/event-store';
import { VERIFICATION_EVENT_DEFINITIONS } from './verification.events';

describe('verification events: upcasting', () => {
  const registry = new EventTypeRegistry().register(...VERIFICATION_EVENT_DEFINITIONS);

  it('turns the English notice of an IdentityRevoked of version 2 into a message code', () => {
    const stored = {
      at: '2026-03-01T00:00:00.000Z',
      registryId: 'reg-1',
      reason: 'claimed_by_owner',
      byAccountId: 'acct-2',
      notice:
        'Your real-name identity was removed: its owner proved in an appeal that it is theirs. Verify again with your own identity.',
    };
    expect(registry.upcast('IdentityRevoked', 2, stored)).toEqual({
      ...stored,
      // The sentence says which notice the user was given, whatever the reason says.
      notice: { code: 'identity_revoked_appeal_upheld' },
    });
  });

  it('names a sentence it does not know by the event’s reason, and keeps no prose', () => {
    const upcast = registry.upcast('IdentityRevoked', 2, {
      registryId: 'reg-1',
      reason: 'claimed_by_owner',
      byAccountId: 'acct-2',
      notice: 'Something else entirely.',
    });
    expect(upcast.notice).toEqual({ code: 'identity_revoked_claimed_by_owner' });
    expect(JSON.stringify(upcast)).not.toContain('Something else');
  });

  it('writes IdentityRevoked with schema version 3', () => {
    expect(registry.schemaVersionOf('IdentityRevoked')).toBe(3);
  });
});
