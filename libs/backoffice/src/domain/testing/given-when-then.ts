// Given/When/Then for the case decider: given past events, when a command, then these
// events or this error. Every decision is recorded, so a spec can check that the
// transition table was exercised.
import type { CaseCommand, CaseCommandType } from '../case.commands';
import { createCaseDecider } from '../case.decider';
import type { CaseEvent, CaseEventType } from '../case.events';
import { DEFAULT_CASE_POLICY, type CasePolicy } from '../case.policy';
import type { CaseState, CaseStateStatus } from '../case.state';

export interface Observation {
  from: CaseStateStatus;
  command: CaseCommandType;
  to: CaseStateStatus;
  events: CaseEventType[];
  threw?: string;
}

const observations: Observation[] = [];

export function observed(): readonly Observation[] {
  return observations;
}

export interface Outcome {
  state: CaseState;
  /** The given history followed by the new events, to chain the next step. */
  history: CaseEvent[];
}

export function given(history: CaseEvent[], policy: CasePolicy = DEFAULT_CASE_POLICY) {
  const decider = createCaseDecider(policy);
  const state = history.reduce(decider.evolve, decider.initialState());

  return {
    state,
    when(command: CaseCommand) {
      const run = (): CaseEvent[] => {
        try {
          const events = decider.decide(command, state);
          observations.push({
            from: state.status,
            command: command.type,
            to: events.reduce(decider.evolve, state).status,
            events: events.map((e) => e.type),
          });
          return events;
        } catch (error) {
          observations.push({
            from: state.status,
            command: command.type,
            to: state.status,
            events: [],
            threw: (error as { code?: string }).code ?? String(error),
          });
          throw error;
        }
      };

      return {
        then(expected: CaseEvent[]): Outcome {
          const events = run();
          expect(events).toEqual(expected);
          return {
            state: events.reduce(decider.evolve, state),
            history: [...history, ...events],
          };
        },

        /** Refused with the domain error of this `code`. */
        thenThrows(code: string): void {
          expect(run).toThrow(expect.objectContaining({ code }) as unknown as Error);
        },
      };
    },
  };
}
