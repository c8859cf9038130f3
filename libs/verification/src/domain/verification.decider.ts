import type { Decider } from '@shiming/workflow';
import { COMMAND_SOURCES, isTolerant, type VerificationCommand } from './verification.commands';
import {
  IdentityAlreadyConfirmedError,
  IdentitySubmissionLockedError,
  WrongStateError,
} from './verification.errors';
import type { VerificationEvent } from './verification.events';
import { assertNever, evolve } from './verification.evolve';
import {
  assertValidPolicy,
  DEFAULT_VERIFICATION_POLICY,
  type VerificationPolicy,
} from './verification.policy';
import { hasConfirmedIdentity, initialState, type VerificationState } from './verification.state';
import { isAtOrAfter, secondsUntil, toMillis } from './verification.time';
import { findTransition, type Transition } from './verification.transitions';
import {
  recordIdentityCheck,
  retryIdentityCheck,
  startVerification,
  submitIdentity,
  unlockIdentitySubmission,
} from './steps/identity.step';
import {
  confirmAppealDeadline,
  decideAppeal,
  decideManualReview,
  decideOccupancy,
  fileAppeal,
  provideReupload,
  requestManualReview,
  requestReupload,
} from './steps/review.step';
import {
  confirmIdentity,
  deferConfirmation,
  recordDocumentCheck,
  skipIdDocuments,
  submitIdDocuments,
} from './steps/confirmation.step';
import {
  acceptAgreement,
  changeBankCard,
  confirmMicroDeposit,
  expireMicroDeposit,
  expireSmsCode,
  recordBankCheck,
  recordDepositFailed,
  recordDepositSettled,
  requestMicroDeposit,
  resendSmsCode,
  submitBankCard,
  verifySmsCode,
} from './steps/bank-card.step';
import {
  acceptAssociatedAccount,
  associateAccount,
  revokeIdentity,
} from './steps/associations.step';

// The decider's steps live in ./steps, one file per stage of the process; the table
// of what each state allows is ./verification.transitions.

export type VerificationDecider = Decider<
  VerificationState,
  VerificationCommand,
  VerificationEvent
>;

/** The decider the command runner uses, with the configured policy. */
export function createVerificationDecider(
  policy: VerificationPolicy = DEFAULT_VERIFICATION_POLICY,
): VerificationDecider {
  assertValidPolicy(policy);
  return {
    initialState,
    evolve,
    decide: (command, state) => decide(command, state, policy),
  };
}

/** The decider with DESIGN's default numbers, for tests and tools. */
export const verificationDecider: VerificationDecider = createVerificationDecider();

// Stands in for an identity when only the state is asked about: never read, since a
// wrong password is decided before the identity is.
const UNREAD_IDENTITY = { encrypted: { name: '', idNumber: '' }, registryId: '' };

/**
 * Throws the refusal the decider gives an identity submission in `state` whatever its
 * payment password (locked, wrong state, a final rejection…). Asked before the password
 * is checked, so that a step the state refuses never evaluates a guess (DESIGN §5).
 */
export function assertIdentitySubmissionAllowed(
  decider: VerificationDecider,
  state: VerificationState,
  at: string,
): void {
  decider.decide(
    { type: 'SubmitIdentity', data: { at, identity: UNREAD_IDENTITY, passwordCorrect: false } },
    state,
  );
}

/**
 * Turns a command into the events it causes in the current state, or throws a domain
 * error. A command with no row in the transition table for the state is refused
 * (`wrong_state`), except timers, outside results and reactions, which do nothing.
 */
export function decide(
  command: VerificationCommand,
  state: VerificationState,
  policy: VerificationPolicy = DEFAULT_VERIFICATION_POLICY,
): VerificationEvent[] {
  toMillis(command.data.at);
  // The lock ends at `until` even if its timer has not fired yet.
  if (
    state.status === 'locked' &&
    COMMAND_SOURCES[command.type] === 'user' &&
    isAtOrAfter(command.data.at, state.until)
  ) {
    const unlocked = decide(
      { type: 'UnlockIdentitySubmission', data: { at: command.data.at } },
      state,
      policy,
    );
    return [...unlocked, ...decide(command, unlocked.reduce(evolve, state), policy)];
  }
  const row = findTransition(state.status, command.type);
  if (!row) {
    if (isTolerant(command.type)) return [];
    throw notAllowed(command, state);
  }
  const events = decideStep(command, state, policy);
  assertWithinRow(row, state, events);
  return events;
}

function decideStep(
  command: VerificationCommand,
  state: VerificationState,
  policy: VerificationPolicy,
): VerificationEvent[] {
  switch (command.type) {
    case 'StartVerification':
      return startVerification(command, state);
    case 'SubmitIdentity':
      return submitIdentity(command, state, policy);
    case 'RecordIdentityCheck':
      return recordIdentityCheck(command, state, policy);
    case 'RetryIdentityCheck':
      return retryIdentityCheck(command, state);
    case 'UnlockIdentitySubmission':
      return unlockIdentitySubmission(command, state);
    case 'RequestManualReview':
      return requestManualReview(command, state, policy);
    case 'RequestReupload':
      return requestReupload(command, state);
    case 'ProvideReupload':
      return provideReupload(command, state, policy);
    case 'DecideManualReview':
      return decideManualReview(command, state);
    case 'DecideOccupancy':
      return decideOccupancy(command, state);
    case 'FileAppeal':
      return fileAppeal(command, state, policy);
    case 'DecideAppeal':
      return decideAppeal(command, state);
    case 'ConfirmAppealDeadline':
      return confirmAppealDeadline(command, state);
    case 'ConfirmIdentity':
      return confirmIdentity(command, state);
    case 'DeferConfirmation':
      return deferConfirmation(command, state);
    case 'SubmitIdDocuments':
      return submitIdDocuments(command, state);
    case 'RecordDocumentCheck':
      return recordDocumentCheck(command, state);
    case 'SkipIdDocuments':
      return skipIdDocuments(command, state);
    case 'SubmitBankCard':
      return submitBankCard(command, state);
    case 'RecordBankCheck':
      return recordBankCheck(command, state);
    case 'AcceptAgreement':
      return acceptAgreement(command, state, policy);
    case 'VerifySmsCode':
      return verifySmsCode(command, state, policy);
    case 'ResendSmsCode':
      return resendSmsCode(command, state, policy);
    case 'ExpireSmsCode':
      return expireSmsCode(command, state);
    case 'RequestMicroDeposit':
      return requestMicroDeposit(command, state, policy);
    case 'RecordDepositSettled':
      return recordDepositSettled(command, state, policy);
    case 'RecordDepositFailed':
      return recordDepositFailed(command, state);
    case 'ConfirmMicroDeposit':
      return confirmMicroDeposit(command, state, policy);
    case 'ExpireMicroDeposit':
      return expireMicroDeposit(command, state);
    case 'ChangeBankCard':
      return changeBankCard(command, state);
    case 'AssociateAccount':
      return associateAccount(command, state);
    case 'AcceptAssociatedAccount':
      return acceptAssociatedAccount(command, state);
    case 'RevokeIdentity':
      return revokeIdentity(command, state);
    default:
      return assertNever(command);
  }
}

// ── refusals and the table ─────────────────────────────────────────────────────────

function notAllowed(command: VerificationCommand, state: VerificationState): Error {
  if (state.status === 'locked') {
    return new IdentitySubmissionLockedError(
      state.until,
      secondsUntil(command.data.at, state.until),
    );
  }
  if (command.type === 'SubmitIdentity' && hasConfirmedIdentity(state)) {
    return new IdentityAlreadyConfirmedError();
  }
  return new WrongStateError(state.status, command.type);
}

function assertWithinRow(
  row: Transition,
  state: VerificationState,
  events: VerificationEvent[],
): void {
  if (events.length === 0) return;
  const stray = events.find((e) => !row.events.includes(e.type));
  const to = events.reduce(evolve, state).status;
  if (stray || !row.to.includes(to)) {
    throw new Error(
      `Transition outside the table: ${row.from} --${row.command}--> ${to} ` +
        `with [${events.map((e) => e.type).join(', ')}]`,
    );
  }
}
