import { UnknownEventTypeError } from './event-store.errors';

/** Turns the data of an event stored at schema version `from` into version `from + 1`. */
export type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

export interface EventTypeDefinition {
  type: string;
  /** The version new events are written with. Starts at 1. */
  schemaVersion: number;
  /** `upcasters[v]` lifts data from version v to v + 1, for every v below schemaVersion. */
  upcasters?: Record<number, Upcaster>;
}

/**
 * Every event type the store may write, with its current schema version. Reading an
 * older event upcasts its data step by step, so code only ever sees the current shape.
 */
export class EventTypeRegistry {
  private readonly types = new Map<string, EventTypeDefinition>();

  register(...definitions: EventTypeDefinition[]): this {
    for (const definition of definitions) {
      if (!Number.isInteger(definition.schemaVersion) || definition.schemaVersion < 1) {
        throw new Error(`Event type ${definition.type}: schemaVersion must be a positive integer`);
      }
      for (let v = 1; v < definition.schemaVersion; v++) {
        if (!definition.upcasters?.[v]) {
          throw new Error(`Event type ${definition.type}: no upcaster from version ${v}`);
        }
      }
      const known = this.types.get(definition.type);
      if (known && known !== definition && known.schemaVersion !== definition.schemaVersion) {
        throw new Error(`Event type ${definition.type} registered twice with different versions`);
      }
      this.types.set(definition.type, definition);
    }
    return this;
  }

  has(type: string): boolean {
    return this.types.has(type);
  }

  schemaVersionOf(type: string): number {
    const definition = this.types.get(type);
    if (!definition) throw new UnknownEventTypeError(type);
    return definition.schemaVersion;
  }

  upcast(
    type: string,
    storedVersion: number,
    data: Record<string, unknown>,
  ): Record<string, unknown> {
    const definition = this.types.get(type);
    // An event type no longer registered is still readable as stored.
    if (!definition) return data;
    let current = data;
    for (let v = storedVersion; v < definition.schemaVersion; v++) {
      current = definition.upcasters![v](current);
    }
    return current;
  }
}
