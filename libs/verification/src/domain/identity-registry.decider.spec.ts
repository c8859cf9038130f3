import {
  IdentityHeldByAnotherAccountError,
  identityRegistryDecider as registry,
  occupantOf,
  type IdentityRegistryCommand,
  type IdentityRegistryEvent,
} from './identity-registry.decider';

function given(events: IdentityRegistryEvent[]) {
  const state = events.reduce(registry.evolve, registry.initialState());
  return {
    state,
    when: (command: IdentityRegistryCommand) => () => registry.decide(command, state),
  };
}

const held = (accountId: string): IdentityRegistryEvent => ({
  type: 'IdentityHolderRecorded',
  data: { accountId, via: 'authority' },
});

describe('identity registry', () => {
  it('records the first account the authority verifies as the holder', () => {
    expect(
      given([]).when({ type: 'RecordHolder', data: { accountId: 'a', via: 'authority' } })(),
    ).toEqual([{ type: 'IdentityHolderRecorded', data: { accountId: 'a', via: 'authority' } }]);
  });

  it('records nothing when the holder is recorded again', () => {
    expect(
      given([held('a')]).when({
        type: 'RecordHolder',
        data: { accountId: 'a', via: 'authority' },
      })(),
    ).toEqual([]);
  });

  it('refuses a second holder verified by the authority', () => {
    expect(
      given([held('a')]).when({ type: 'RecordHolder', data: { accountId: 'b', via: 'authority' } }),
    ).toThrow(IdentityHeldByAnotherAccountError);
  });

  it('lets an upheld appeal take the identity from the holder it was decided against', () => {
    const { when } = given([held('a')]);
    expect(
      when({
        type: 'RecordHolder',
        data: { accountId: 'b', via: 'appeal_upheld', replacing: 'a' },
      })(),
    ).toEqual([
      {
        type: 'IdentityHolderRecorded',
        data: { accountId: 'b', via: 'appeal_upheld', replaced: 'a' },
      },
    ]);
    expect(
      when({ type: 'RecordHolder', data: { accountId: 'b', via: 'reclaimed', replacing: 'c' } }),
    ).toThrow(IdentityHeldByAnotherAccountError);
  });

  it('releases only the account that holds the identity', () => {
    const { when } = given([held('a')]);
    expect(when({ type: 'ReleaseHolder', data: { accountId: 'b', reason: 'revoked' } })()).toEqual(
      [],
    );
    expect(
      when({ type: 'ReleaseHolder', data: { accountId: 'a', reason: 'resubmitted' } })(),
    ).toEqual([
      { type: 'IdentityHolderReleased', data: { accountId: 'a', reason: 'resubmitted' } },
    ]);
  });

  it('records each associated account once, never the holder', () => {
    const { state, when } = given([
      held('a'),
      { type: 'AssociatedAccountRecorded', data: { accountId: 'b', via: 'occupancy' } },
    ]);
    expect(state.associated).toEqual(['b']);
    expect(
      when({ type: 'RecordAssociatedAccount', data: { accountId: 'b', via: 'occupancy' } })(),
    ).toEqual([]);
    expect(
      when({ type: 'RecordAssociatedAccount', data: { accountId: 'a', via: 'main_account' } })(),
    ).toEqual([]);
  });

  it('names the occupant to anyone but the occupant itself', () => {
    const { state } = given([held('a')]);
    expect(occupantOf(state, 'b')).toBe('a');
    expect(occupantOf(state, 'a')).toBeNull();
    const released = registry.evolve(state, {
      type: 'IdentityHolderReleased',
      data: { accountId: 'a', reason: 'revoked' },
    });
    expect(occupantOf(released, 'b')).toBeNull();
  });
});
