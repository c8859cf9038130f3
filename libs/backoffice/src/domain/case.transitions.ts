import type { CaseCommandType } from './case.commands';
import type { CaseEventType } from './case.events';
import type { CaseStateStatus } from './case.state';

/**
 * One step a case may take: in status `from`, command `command` may record some of
 * `events` and leave the case in one of `to`. `decideCase` refuses a staff command with
 * no row for the current status (after asking who acts), lets a system command without
 * one do nothing, and checks every decision against its row.
 */
export interface CaseTransition {
  from: CaseStateStatus;
  command: CaseCommandType;
  to: readonly CaseStateStatus[];
  events: readonly CaseEventType[];
  /** When, inside the status, the step applies. */
  when?: string;
}

// Reading a case's documents and unmasking its subject are recorded in every status;
// the holder's reading keeps their claim alive.
const READING = (from: CaseStateStatus): CaseTransition[] => [
  { from, command: 'ViewDocument', to: [from], events: ['DocumentViewed'] },
  { from, command: 'RevealPersonalData', to: [from], events: ['PersonalDataRevealed'] },
];

const ESCALATE = (from: CaseStateStatus): CaseTransition => ({
  from,
  command: 'EscalateCase',
  to: [from],
  events: ['CaseEscalated'],
  when: 'the due time has passed, not escalated yet',
});

// A provisional due time becomes official in every undecided status; the SLA timer
// follows the state's due time (paused while awaiting the user, where its rest moves).
const CONFIRM_DEADLINE = (from: CaseStateStatus): CaseTransition => ({
  from,
  command: 'ConfirmDeadline',
  to: [from],
  events: ['DeadlineConfirmed'],
  when: 'the due time is provisional',
});

export const CASE_TRANSITIONS: readonly CaseTransition[] = [
  CONFIRM_DEADLINE('open'),
  CONFIRM_DEADLINE('claimed'),
  CONFIRM_DEADLINE('awaiting_user'),
  CONFIRM_DEADLINE('awaiting_approval'),
  {
    from: 'none',
    command: 'OpenCase',
    to: ['open'],
    events: ['CaseOpened'],
  },

  // in the queue
  {
    from: 'open',
    command: 'ClaimCase',
    to: ['claimed'],
    events: ['CaseClaimed'],
  },
  {
    from: 'open',
    command: 'ReassignCase',
    to: ['claimed'],
    events: ['CaseReassigned'],
    when: 'by a supervisor, to someone the case is not about',
  },
  {
    from: 'open',
    command: 'AddDocuments',
    to: ['open'],
    events: ['DocumentsAdded'],
  },
  ESCALATE('open'),
  ...READING('open'),

  // held by one staff member
  {
    from: 'claimed',
    command: 'ClaimCase',
    to: ['claimed'],
    events: ['ClaimRenewed'],
    when: 'by the holder (anyone else: already_claimed)',
  },
  {
    from: 'claimed',
    command: 'ReleaseCase',
    to: ['open'],
    events: ['ClaimReleased'],
    when: 'by the holder or a supervisor',
  },
  {
    from: 'claimed',
    command: 'ReassignCase',
    to: ['claimed'],
    events: ['CaseReassigned'],
    when: 'by a supervisor; to the holder, nothing',
  },
  {
    from: 'claimed',
    command: 'DecideCase',
    to: ['decided', 'awaiting_user', 'awaiting_approval'],
    events: ['CaseDecided', 'DocumentsRequested', 'UpholdProposed'],
    when: 'by the holder; approving an appeal proposes to uphold it',
  },
  {
    from: 'claimed',
    command: 'LapseClaim',
    to: ['open'],
    events: ['ClaimLapsed'],
    when: 'the claim went its time without activity by the holder',
  },
  {
    from: 'claimed',
    command: 'AddDocuments',
    to: ['claimed'],
    events: ['DocumentsAdded'],
  },
  {
    from: 'claimed',
    command: 'CompareIdentity',
    to: ['claimed'],
    events: ['IdentityCompared'],
    when: 'by the holder: name and ID number beside the certificates, one justification',
  },
  ESCALATE('claimed'),
  ...READING('claimed'),

  // waiting on the user (the SLA is paused, so nothing escalates)
  {
    from: 'awaiting_user',
    command: 'AddDocuments',
    to: ['open'],
    events: ['DocumentsAdded'],
    when: 'the user uploaded again: the SLA resumes with the time it had left',
  },
  ...READING('awaiting_user'),

  // four eyes on an upheld appeal
  {
    from: 'awaiting_approval',
    command: 'ApproveProposal',
    to: ['decided', 'claimed'],
    events: ['ProposalApproved', 'CaseDecided', 'ProposalRejected'],
    when: 'by a supervisor other than the proposer; rejected, it goes back to the proposer',
  },
  {
    from: 'awaiting_approval',
    command: 'AddDocuments',
    to: ['claimed'],
    events: ['ProposalLapsed', 'DocumentsAdded'],
    when: 'new documents: the proposal lapses and goes back to the proposer',
  },
  ESCALATE('awaiting_approval'),
  ...READING('awaiting_approval'),

  // decided: only read
  ...READING('decided'),
];

export function findCaseTransition(
  from: CaseStateStatus,
  command: CaseCommandType,
): CaseTransition | undefined {
  return CASE_TRANSITIONS.find((row) => row.from === from && row.command === command);
}
