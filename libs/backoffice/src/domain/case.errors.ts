// The shared base is plain TypeScript, free of Nest, so the domain may use it.
import { DomainError } from '@shiming/common/errors/domain-error';

// Rendered as problem+json by the global filter: a stable `code`, an HTTP `status`,
// and a `detail` for people that never carries personal data.

export abstract class CaseError extends DomainError {
  constructor(
    override readonly detail: string,
    extras: Record<string, unknown> = {},
  ) {
    super(detail, extras);
  }
}

export class CaseNotFoundError extends CaseError {
  readonly code = 'not_found';
  readonly status = 404;
  constructor(caseId?: string) {
    super(caseId ? `No case ${caseId}.` : 'No such case.');
  }
}

/**
 * The user was given the case's id, but the back office has not opened the case yet
 * (it opens it from the log, a moment after the user's request): 503, come back shortly.
 */
export class CaseOpeningError extends CaseError {
  readonly code = 'case_opening';
  readonly status = 503;
  constructor(readonly retryAfterSeconds: number) {
    super('The case was asked for a moment ago and is still being opened; try again shortly.', {
      retryAfterSeconds,
    });
  }
}

/** The action is not allowed in the case's current status. */
export class CaseWrongStateError extends CaseError {
  readonly code = 'wrong_state';
  readonly status = 409;
  constructor(
    readonly caseStatus: string,
    action: string,
  ) {
    super(`Cannot ${action} a case that is ${caseStatus.replace('_', ' ')}.`, {
      caseStatus,
    });
  }
}

export class AlreadyClaimedError extends CaseError {
  readonly code = 'already_claimed';
  readonly status = 409;
  constructor(readonly assignee: string) {
    super(`Another staff member holds this case.`, { assignee });
  }
}

export class NotHolderError extends CaseError {
  readonly code = 'not_holder';
  readonly status = 403;
  constructor(action: string) {
    super(`Only the staff member holding the case may ${action} it; claim it first.`);
  }
}

export class CaseRoleError extends CaseError {
  readonly code = 'forbidden';
  readonly status = 403;
  constructor(detail: string) {
    super(detail);
  }
}

export class OwnCaseError extends CaseError {
  readonly code = 'own_case';
  readonly status = 403;
  constructor() {
    super('Nobody works a case about their own account.');
  }
}

export class OwnProposalError extends CaseError {
  readonly code = 'own_proposal';
  readonly status = 403;
  constructor() {
    super('The second approval must come from a supervisor other than the proposer.');
  }
}

export class ProposalLapsedError extends CaseError {
  readonly code = 'proposal_lapsed';
  readonly status = 409;
  constructor() {
    super('The case changed after the proposal (new documents); the holder must decide again.');
  }
}

export interface FieldProblem {
  field: string;
  code: string;
  message: string;
}

/** A decision that lacks what it needs; 422 with the fields at fault. */
export class InvalidDecisionError extends CaseError {
  readonly status = 422;
  constructor(
    readonly code: 'reason_required' | 'unknown_reason_code' | 'message_required',
    readonly errors: FieldProblem[],
  ) {
    super(errors.map((e) => e.message).join('; '), { errors });
  }
}

export class UnknownDocumentError extends CaseError {
  readonly code = 'not_found';
  readonly status = 404;
  constructor(documentId: string) {
    super(`The case has no document ${documentId}.`);
  }
}

/** A case is handed only to a staff member the back office knows (the staff directory). */
export class UnknownStaffError extends CaseError {
  readonly code = 'unknown_staff';
  readonly status = 422;
  constructor(staffId: string) {
    super(`No staff member ${staffId} has used the back office.`, {
      errors: [{ field: 'to', code: 'unknown_staff', message: `no staff member ${staffId}` }],
    });
  }
}

/** The staff member a case would go to lacks the role its kind needs. */
export class AssigneeCannotWorkError extends CaseError {
  readonly code = 'assignee_cannot_work';
  readonly status = 422;
  constructor(kind: string) {
    super(`The staff member chosen may not work a ${kind.replace('_', ' ')}.`);
  }
}
