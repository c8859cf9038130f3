import { assertNever } from './verification.evolve';
import type {
  HolderStatus,
  Tier,
  VerificationState,
  VerificationStatus,
} from './verification.state';

// The parts of the public status document (DESIGN §4) that come from one account's
// state. The projection adds accountId, version, updatedAt and the case's own status.

export type NextAction =
  | 'start_verification'
  | 'submit_identity'
  | 'apply_manual_review'
  | 'reupload_certificates'
  | 'decide_occupancy'
  | 'file_appeal'
  | 'confirm_identity'
  | 'defer_confirmation'
  | 'upload_id_documents'
  | 'skip_id_documents'
  | 'submit_bank_card'
  | 'accept_agreement'
  | 'enter_sms_code'
  | 'resend_sms_code'
  | 'request_micro_deposit'
  | 'confirm_micro_deposit'
  | 'change_bank_card'
  | 'associate_account';

export interface Deadlines {
  identityCheckRetryAt?: string;
  identityLockedUntil?: string;
  manualReviewDueAt?: string;
  appealDueAt?: string;
  /** Counted partly by the weekday rule past the calendar's data; recomputed when it comes. */
  provisional?: true;
  smsCodeExpiresAt?: string;
  smsResendableAt?: string;
  microDepositWindowEndsAt?: string;
}

/**
 * Something the user must be told: `code` is stable, with its `params`; the words are
 * chosen in the reader's language when read (`notice.<code>`). `message` is kept only
 * for words a staff member wrote to the user (a rejection, a request for new uploads).
 */
export interface Notice {
  code: string;
  params?: Record<string, string | number>;
  message?: string;
}

export interface StatusParts {
  state: VerificationStatus;
  authenticated: boolean;
  tier: Tier;
  nextActions: NextAction[];
  deadlines: Deadlines;
  /** The manual review or appeal in progress; its queue status comes from the back office. */
  case?: { id: string; kind: 'manual_review' | 'appeal'; dueAt: string; provisional?: true };
  /** While the identity authority is being asked. */
  identityCheck?: 'in_progress' | 'retrying';
  /** While the identity is held by another account: which kind, never which account. */
  occupancy?: { holder: HolderStatus; disputed: boolean };
  notice?: Notice;
  /** Set for an associated account: its authentication and tier are the main account's. */
  mainAccountId?: string;
}

const NOT_AUTHENTICATED = { authenticated: false, tier: 'none' } as const;

export function toStatus(state: VerificationState): StatusParts {
  const base = { state: state.status, ...NOT_AUTHENTICATED, deadlines: {} };
  switch (state.status) {
    case 'not_started':
      return { ...base, nextActions: ['start_verification'] };

    case 'identity_pending':
      if (state.awaiting === 'submission') {
        return {
          ...base,
          nextActions: ['submit_identity'],
          ...(state.revoked
            ? {
                notice: { ...state.revoked.notice },
              }
            : {}),
        };
      }
      return state.check.retryAt
        ? {
            ...base,
            nextActions: [],
            identityCheck: 'retrying',
            deadlines: { identityCheckRetryAt: state.check.retryAt },
          }
        : { ...base, nextActions: [], identityCheck: 'in_progress' };

    case 'identity_mismatch':
      return {
        ...base,
        nextActions: ['apply_manual_review', 'submit_identity'],
        notice: { code: 'identity_mismatch' },
      };

    case 'manual_review_pending':
      return {
        ...base,
        nextActions: state.review.reupload ? ['reupload_certificates'] : [],
        deadlines: { manualReviewDueAt: state.review.dueAt },
        case: { id: state.review.caseId, kind: 'manual_review', dueAt: state.review.dueAt },
        ...reuploadNotice(state.review.reupload),
      };

    case 'manual_review_rejected':
      return {
        ...base,
        nextActions: state.rejection.final ? [] : ['submit_identity', 'apply_manual_review'],
        notice: reasonNotice(state.rejection),
      };

    case 'identity_occupied':
      return {
        ...base,
        nextActions: state.occupancy.disputed
          ? ['file_appeal', 'submit_identity']
          : ['decide_occupancy', 'submit_identity'],
        occupancy: { holder: state.occupancy.holderStatus, disputed: state.occupancy.disputed },
      };

    case 'appeal_pending':
      return {
        ...base,
        nextActions: state.appeal.reupload ? ['reupload_certificates'] : [],
        deadlines: {
          appealDueAt: state.appeal.dueAt,
          ...(state.appeal.provisional ? { provisional: true as const } : {}),
        },
        case: {
          id: state.appeal.caseId,
          kind: 'appeal',
          dueAt: state.appeal.dueAt,
          ...(state.appeal.provisional ? { provisional: true as const } : {}),
        },
        ...reuploadNotice(state.appeal.reupload),
      };

    case 'appeal_denied':
      return {
        ...base,
        nextActions: ['submit_identity'],
        notice: reasonNotice(state.denial),
      };

    case 'identity_verified': {
      const nextActions: NextAction[] = ['confirm_identity'];
      if (!state.deferred) nextActions.push('defer_confirmation');
      // A main account's identity is shared by its associated accounts.
      if (state.associatedAccounts.length === 0) nextActions.push('submit_identity');
      return { ...base, nextActions };
    }

    case 'identity_confirmed':
      switch (state.documentCheck.status) {
        case 'checking':
          return { ...base, nextActions: [] };
        case 'rejected':
          return {
            ...base,
            nextActions: ['upload_id_documents', 'skip_id_documents'],
            notice: {
              code: 'id_documents_rejected',
              params: { reason: state.documentCheck.reason },
            },
          };
        case 'none':
          return { ...base, nextActions: ['upload_id_documents', 'skip_id_documents'] };
        default:
          return assertNever(state.documentCheck);
      }

    case 'bank_card_required':
      switch (state.cardStep.stage) {
        case 'entry':
          return {
            ...base,
            nextActions: state.cardStep.refused
              ? ['submit_bank_card', 'change_bank_card']
              : ['submit_bank_card'],
            ...(state.cardStep.refused ? { notice: { code: 'card_not_quick_pay' } } : {}),
          };
        case 'checking':
          return { ...base, nextActions: [] };
        case 'matched':
          return {
            ...base,
            nextActions: ['accept_agreement', 'change_bank_card'],
            ...(state.cardStep.smsAttemptsExhausted
              ? { notice: { code: 'sms_code_attempts_exhausted' } }
              : {}),
          };
        default:
          return assertNever(state.cardStep);
      }

    case 'bank_card_mismatch':
      return {
        ...base,
        nextActions: state.failure.supportsPaymentVerification
          ? ['request_micro_deposit', 'change_bank_card']
          : ['change_bank_card'],
        notice: {
          code: state.lastDeposit ? `micro_deposit_${state.lastDeposit}` : state.failure.reason,
        },
      };

    case 'sms_pending':
      return state.sms.expired
        ? {
            ...base,
            nextActions: ['resend_sms_code', 'change_bank_card'],
            notice: { code: 'sms_code_expired' },
          }
        : {
            ...base,
            nextActions: ['enter_sms_code', 'resend_sms_code', 'change_bank_card'],
            deadlines: {
              smsCodeExpiresAt: state.sms.expiresAt,
              smsResendableAt: state.sms.resendableAt,
            },
          };

    case 'micro_deposit_pending':
      return { ...base, nextActions: ['change_bank_card'] };

    case 'micro_deposit_settled':
      return {
        ...base,
        nextActions: ['confirm_micro_deposit', 'change_bank_card'],
        deadlines: { microDepositWindowEndsAt: state.deposit.windowEndsAt },
        notice: { code: 'micro_deposit_arrived' },
      };

    case 'authenticated':
      return {
        ...base,
        authenticated: true,
        tier: state.tier,
        nextActions:
          state.tier === 'limited' && state.documentCheck.status !== 'checking'
            ? ['upload_id_documents', 'associate_account']
            : ['associate_account'],
        ...(state.documentCheck.status === 'rejected'
          ? {
              notice: {
                code: 'id_documents_rejected',
                params: { reason: state.documentCheck.reason },
              },
            }
          : {}),
      };

    case 'associated':
      return { ...base, nextActions: [], mainAccountId: state.mainAccountId };

    case 'locked':
      return {
        ...base,
        nextActions: [],
        deadlines: { identityLockedUntil: state.until },
        notice: { code: 'payment_password_locked' },
      };

    default:
      return assertNever(state);
  }
}

/**
 * An associated account is authenticated, with its tier, exactly when its main account
 * is; the projection joins the two with this.
 */
export function withMainAccount(associated: StatusParts, main: StatusParts): StatusParts {
  if (associated.state !== 'associated') return associated;
  return { ...associated, authenticated: main.authenticated, tier: main.tier };
}

function reuploadNotice(reupload?: { documentKind: string; userMessage: string }) {
  return reupload ? { notice: { code: 'reupload_requested', message: reupload.userMessage } } : {};
}

// A decision's reason; the reviewer's own words when they wrote some (else the reason's
// default message is worded when read).
function reasonNotice({ reasonCode, userMessage }: { reasonCode: string; userMessage: string }) {
  return userMessage ? { code: reasonCode, message: userMessage } : { code: reasonCode };
}
