// Given/When/Then for the case decider: given past events, when a command, then these
// events or this error. Every decision is recorded, so a spec can check that the
// transition table was exercised.
import { DecisionRecorder, type Observation as Decision } from '@shiming/workflow';
import type { CaseCommand, CaseCommandType } from '../case.commands';
import { createCaseDecider } from '../case.decider';
import type { CaseEvent, CaseEventType } from '../case.events';
import { DEFAULT_CASE_POLICY, type CasePolicy } from '../case.policy';
import type { CaseState, CaseStateStatus } from '../case.state';

export type Observation = Decision<CaseStateStatus, CaseCommandType, CaseEventType>;

const recorder = new DecisionRecorder<CaseState, CaseCommand, CaseEvent>();

export function observed(): readonly Observation[] {
  return recorder.observed();
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
      const run = (): CaseEvent[] => recorder.decide(decider, command, state);

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
