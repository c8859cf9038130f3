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
