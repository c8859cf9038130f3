// Given/When/Then for the verification decider: given past events, when a command,
// then these events, this error, or nothing. Every decision is recorded, so a spec can
// check that the transition table was exercised.
import { DecisionRecorder, type Observation as Decision } from '@shiming/workflow';
import type { VerificationCommand, VerificationCommandType } from '../verification.commands';
import { createVerificationDecider } from '../verification.decider';
import { VerificationError } from '../verification.errors';
import type { VerificationEvent, VerificationEventType } from '../verification.events';
import { DEFAULT_VERIFICATION_POLICY, type VerificationPolicy } from '../verification.policy';
import type { VerificationState, VerificationStatus } from '../verification.state';

export type Observation = Decision<
  VerificationStatus,
  VerificationCommandType,
  VerificationEventType
>;

const recorder = new DecisionRecorder<VerificationState, VerificationCommand, VerificationEvent>();

export function observed(): readonly Observation[] {
  return recorder.observed();
}

export interface Outcome {
  state: VerificationState;
  /** The given history followed by the new events, to chain the next step. */
  history: VerificationEvent[];
}

type ErrorClass = abstract new (...args: never[]) => VerificationError;

export function given(
  history: VerificationEvent[],
  policy: VerificationPolicy = DEFAULT_VERIFICATION_POLICY,
) {
  const decider = createVerificationDecider(policy);
  const state = history.reduce(decider.evolve, decider.initialState());

  return {
    state,
    when(command: VerificationCommand) {
      const run = (): VerificationEvent[] => recorder.decide(decider, command, state);

      return {
        then(expected: VerificationEvent[]): Outcome {
          const events = run();
          expect(events).toEqual(expected);
          return {
            state: events.reduce(decider.evolve, state),
            history: [...history, ...events],
          };
        },

        thenNothing(): Outcome {
          expect(run()).toEqual([]);
          return { state, history };
        },

        thenThrows(
          errorClass: ErrorClass,
          expected: Record<string, unknown> = {},
        ): VerificationError {
          let thrown: unknown;
          try {
            run();
          } catch (error) {
            thrown = error;
          }
          expect(thrown).toBeInstanceOf(errorClass);
          expect(thrown).toMatchObject(expected);
          return thrown as VerificationError;
        },
      };
    },
  };
}
