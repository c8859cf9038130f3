import type { Decider, DomainEvent } from '../command/decider';

/** One decision a spec made: from which status, which command, to which status, with what. */
export interface Observation<
  Status extends string = string,
  CommandType extends string = string,
  EventType extends string = string,
> {
  from: Status;
  command: CommandType;
  to: Status;
  events: EventType[];
  /** The refusal's `code`, when the decider refused. */
  threw?: string;
}

type Tagged = { status: string };

/**
 * Records every decision a Given/When/Then spec makes with a decider, so that the spec
 * can check afterwards that each row of the transition table was exercised.
 */
export class DecisionRecorder<
  State extends Tagged,
  Command extends { type: string },
  Event extends DomainEvent,
> {
  private readonly observations: Observation<State['status'], Command['type'], Event['type']>[] =
    [];

  observed(): readonly Observation<State['status'], Command['type'], Event['type']>[] {
    return this.observations;
  }

  /** Decides `command` on `state`, noting the outcome (or the refusal, then rethrown). */
  decide(decider: Decider<State, Command, Event>, command: Command, state: State): Event[] {
    try {
      const events = decider.decide(command, state);
      this.observations.push({
        from: state.status,
        command: command.type,
        to: events.reduce(decider.evolve, state).status,
        events: events.map((e) => e.type),
      });
      return events;
    } catch (error) {
      this.observations.push({
        from: state.status,
        command: command.type,
        to: state.status,
        events: [],
        threw: (error as { code?: string }).code ?? String(error),
      });
      throw error;
    }
  }
}

/** A row of a transition table, as the coverage checks read it. */
export interface TableRow {
  from: string;
  command: string;
  to: readonly string[];
  events: readonly string[];
}

/** The decisions that recorded events and fit no row of the table. */
export function decisionsOutside<O extends Observation>(
  table: readonly TableRow[],
  observations: readonly O[],
): O[] {
  return observations.filter(
    (o) =>
      o.events.length > 0 &&
      !table.some(
        (row) =>
          row.from === o.from &&
          row.command === o.command &&
          row.to.includes(o.to) &&
          o.events.every((type) => row.events.includes(type)),
      ),
  );
}

/** Every row, target status and event of the table that no decision exercised, named. */
export function unexercised(table: readonly TableRow[], observations: readonly Observation[]) {
  const missing: string[] = [];
  for (const row of table) {
    const seen = observations.filter(
      (o) => o.from === row.from && o.command === row.command && !o.threw,
    );
    const label = `${row.from} --${row.command}-->`;
    if (seen.length === 0) missing.push(`${label} (never run)`);
    for (const to of row.to) {
      const reached = seen.some(
        (o) => o.to === to && (o.events.length > 0 || row.events.length === 0),
      );
      if (!reached) missing.push(`${label} ${to}`);
    }
    for (const type of row.events) {
      if (!seen.some((o) => o.events.includes(type))) missing.push(`${label} [${type}]`);
    }
  }
  return missing;
}
