import type { CaseKind } from './case.events';

export type StaffRole = 'reviewer' | 'support' | 'supervisor';

/** Who acts: a staff member's id (the token's `sub`) and roles. */
export interface Staff {
  id: string;
  roles: readonly string[];
}

type CommandOf<Type extends string, Data extends object = object> = {
  type: Type;
  data: { at: string } & Data;
};

export type OpenCase = CommandOf<
  'OpenCase',
  {
    caseId: string;
    kind: CaseKind;
    accountId: string;
    holderAccountId: string | null;
    documentIds: string[];
    dueAt: string;
    /** The due time was counted past the working-day calendar's data. */
    provisional?: true;
  }
>;
/** The official due time replaced a provisional one; `shiftMs` is how far it moved. */
export type ConfirmDeadline = CommandOf<'ConfirmDeadline', { dueAt: string; shiftMs: number }>;
export type AddDocuments = CommandOf<'AddDocuments', { documentIds: string[]; dueAt?: string }>;
export type ClaimCase = CommandOf<'ClaimCase', { staff: Staff }>;
export type ReleaseCase = CommandOf<'ReleaseCase', { staff: Staff }>;
export type ReassignCase = CommandOf<
  'ReassignCase',
  {
    staff: Staff;
    to: string;
    note?: string;
    /** The roles of `to`, when the staff directory knows them: checked against the kind. */
    toRoles?: readonly string[];
  }
>;
export type DecideCase = CommandOf<
  'DecideCase',
  {
    staff: Staff;
    outcome: 'approve' | 'reject' | 'request_reupload';
    reasonCode?: string;
    userMessage?: string;
    internalNote?: string;
    final?: boolean;
    documentKind?: string;
  }
>;
export type ApproveProposal = CommandOf<
  'ApproveProposal',
  { staff: Staff; approve: boolean; note?: string }
>;
export type ViewDocument = CommandOf<'ViewDocument', { staff: Staff; documentId: string }>;
export type RevealPersonalData = CommandOf<
  'RevealPersonalData',
  { staff: Staff; field: 'name' | 'idNumber'; justification: string }
>;
/** The holder sees name and ID number beside the certificates, for one justification. */
export type CompareIdentity = CommandOf<'CompareIdentity', { staff: Staff; justification: string }>;
/** Timers: the SLA passed; a claim went 30 minutes without activity. */
export type EscalateCase = CommandOf<'EscalateCase'>;
export type LapseClaim = CommandOf<'LapseClaim'>;

export type CaseCommand =
  | OpenCase
  | AddDocuments
  | ConfirmDeadline
  | ClaimCase
  | ReleaseCase
  | ReassignCase
  | DecideCase
  | ApproveProposal
  | ViewDocument
  | RevealPersonalData
  | CompareIdentity
  | EscalateCase
  | LapseClaim;

export type CaseCommandType = CaseCommand['type'];

/** Who gives each command: a staff member, or the system (intake from the log, timers). */
export const CASE_COMMAND_SOURCES: { [T in CaseCommandType]: 'staff' | 'system' } = {
  OpenCase: 'system',
  AddDocuments: 'system',
  ConfirmDeadline: 'system',
  ClaimCase: 'staff',
  ReleaseCase: 'staff',
  ReassignCase: 'staff',
  DecideCase: 'staff',
  ApproveProposal: 'staff',
  ViewDocument: 'staff',
  RevealPersonalData: 'staff',
  CompareIdentity: 'staff',
  EscalateCase: 'system',
  LapseClaim: 'system',
};

export const CASE_COMMAND_TYPES = Object.keys(CASE_COMMAND_SOURCES) as CaseCommandType[];

/** A command a staff member gives: it names who acts. */
export type StaffCommand = Extract<CaseCommand, { data: { staff: Staff } }>;

export function isStaffCommand(command: CaseCommand): command is StaffCommand {
  return CASE_COMMAND_SOURCES[command.type] === 'staff';
}
