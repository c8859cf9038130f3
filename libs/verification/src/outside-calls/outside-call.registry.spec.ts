import { OUTSIDE_CALL_KINDS, type OutsideCallKind } from '../domain';
import type { OutsideCallHandler } from './outside-call.handler';
import { OutsideCallRegistry } from './outside-call.registry';

const handler = (kind: OutsideCallKind): OutsideCallHandler => ({ kind, handle: async () => {} });

describe('OutsideCallRegistry', () => {
  it('finds the handler of each kind once every kind has one', () => {
    const registry = new OutsideCallRegistry();
    const handlers = OUTSIDE_CALL_KINDS.map(handler);
    handlers.forEach((h) => registry.register(h));
    expect(() => registry.assertComplete()).not.toThrow();
    expect(registry.handlerOf('sms')).toBe(handlers[OUTSIDE_CALL_KINDS.indexOf('sms')]);
  });

  it('names at boot every kind the domain may ask for that has no handler', () => {
    const registry = new OutsideCallRegistry();
    registry.register(handler('sms'));
    expect(() => registry.assertComplete()).toThrow(
      'Outside calls without a handler: identity_check, bank_check, document_check, payout',
    );
  });

  it('refuses a second handler of one kind', () => {
    const registry = new OutsideCallRegistry();
    registry.register(handler('payout'));
    expect(() => registry.register(handler('payout'))).toThrow('Two handlers');
  });
});
