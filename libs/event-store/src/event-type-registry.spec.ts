import { UnknownEventTypeError } from './event-store.errors';
import { EventTypeRegistry } from './event-type-registry';

// v1 { name }  →  v2 { fullName }  →  v3 { fullName, locale }
const renamed = {
  type: 'Person.Named',
  schemaVersion: 3,
  upcasters: {
    1: ({ name, ...rest }: Record<string, unknown>) => ({ ...rest, fullName: name }),
    2: (data: Record<string, unknown>) => ({ ...data, locale: 'zh-CN' }),
  },
};

describe('EventTypeRegistry', () => {
  it('upcasts stored data step by step to the current version', () => {
    const registry = new EventTypeRegistry().register(renamed);
    expect(registry.upcast('Person.Named', 1, { name: 'A', id: 7 })).toEqual({
      id: 7,
      fullName: 'A',
      locale: 'zh-CN',
    });
    expect(registry.upcast('Person.Named', 2, { fullName: 'B' })).toEqual({
      fullName: 'B',
      locale: 'zh-CN',
    });
  });

  it('leaves data at the current version as it is', () => {
    const registry = new EventTypeRegistry().register(renamed);
    const current = { fullName: 'C', locale: 'en' };
    expect(registry.upcast('Person.Named', 3, current)).toBe(current);
  });

  it('refuses a type whose chain misses an upcaster', () => {
    expect(() =>
      new EventTypeRegistry().register({
        type: 'Person.Named',
        schemaVersion: 3,
        upcasters: { 1: renamed.upcasters[1] },
      }),
    ).toThrow('no upcaster from version 2');
  });

  it('refuses a schema version that is not a positive integer', () => {
    expect(() => new EventTypeRegistry().register({ type: 'X', schemaVersion: 0 })).toThrow();
    expect(() => new EventTypeRegistry().register({ type: 'X', schemaVersion: 1.5 })).toThrow();
  });

  it('refuses the same type registered twice at different versions', () => {
    const registry = new EventTypeRegistry().register({ type: 'X', schemaVersion: 1 });
    expect(() =>
      registry.register({ type: 'X', schemaVersion: 2, upcasters: { 1: (d) => d } }),
    ).toThrow('registered twice');
  });

  it('names the version to write with, and refuses an unknown type', () => {
    const registry = new EventTypeRegistry().register(renamed);
    expect(registry.schemaVersionOf('Person.Named')).toBe(3);
    expect(() => registry.schemaVersionOf('Nobody.Knows')).toThrow(UnknownEventTypeError);
  });

  it('reads an event type that is no longer registered as stored', () => {
    const data = { anything: true };
    expect(new EventTypeRegistry().upcast('Gone.Away', 1, data)).toBe(data);
  });
});
