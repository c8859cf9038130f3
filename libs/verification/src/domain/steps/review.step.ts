// Step 2's branches: the manual review of dual certificates, and occupancy with its
// appeal.
import type {
  ConfirmAppealDeadline,
  DecideAppeal,
  DecideManualReview,
  DecideOccupancy,
  FileAppeal,
  ProvideReupload,
  RequestManualReview,
  RequestReupload,
} from '../verification.commands';
import type { VerificationEvent } from '../verification.events';
import type { VerificationPolicy } from '../verification.policy';
import type { VerificationState } from '../verification.state';
import { addMillis, isAtOrAfter } from '../verification.time';
import {
  event,
  inState,
  refused,
  openCaseOf,
  assertOpenCase,
  assertCertificates,
  requireReason,
} from './step-helpers';

// ── 2.1 manual review ───────────────────────────────────────────────────────────────

export function requestManualReview(
  { data }: RequestManualReview,
  state: VerificationState,
  policy: VerificationPolicy,
): VerificationEvent[] {
  const s = inState(state, ['identity_mismatch', 'manual_review_rejected'], 'RequestManualReview');
  if (s.status === 'manual_review_rejected' && s.rejection.final) {
    throw refused(s, 'RequestManualReview', 'the manual review rejection is final');
  }
  assertCertificates(data.documentIds, policy.certificates.min, policy.certificates.max);
  const dueAt = addMillis(data.at, policy.manualReview.slaMs);
  return [
    event('ManualReviewRequested', {
      at: data.at,
      caseId: data.caseId,
      documentIds: data.documentIds,
      dueAt,
    }),
  ];
}

export function requestReupload(
  { data }: RequestReupload,
  state: VerificationState,
): VerificationEvent[] {
  const s = inState(state, ['manual_review_pending', 'appeal_pending'], 'RequestReupload');
  assertOpenCase(s, 'RequestReupload', data.caseId);
  return [
    event('ReuploadRequested', {
      at: data.at,
      caseId: data.caseId,
      documentKind: data.documentKind,
      userMessage: data.userMessage,
    }),
  ];
}

export function provideReupload(
  { data }: ProvideReupload,
  state: VerificationState,
  policy: VerificationPolicy,
): VerificationEvent[] {
  const s = inState(state, ['manual_review_pending', 'appeal_pending'], 'ProvideReupload');
  const open = openCaseOf(s);
  assertCertificates(data.documentIds, 1, policy.certificates.max);
  // Answering a re-upload request resumes the paused SLA clock with the time it had left.
  const requestedAt = open.reupload?.requestedAt;
  const dueAt = requestedAt
    ? addMillis(data.at, Math.max(0, Date.parse(open.dueAt) - Date.parse(requestedAt)))
    : undefined;
  return [
    event('ReuploadProvided', {
      at: data.at,
      caseId: open.caseId,
      documentIds: data.documentIds,
      ...(dueAt ? { dueAt } : {}),
    }),
  ];
}

export function decideManualReview(
  { data }: DecideManualReview,
  state: VerificationState,
): VerificationEvent[] {
  const s = inState(state, ['manual_review_pending'], 'DecideManualReview');
  assertOpenCase(s, 'DecideManualReview', data.caseId);
  if (data.approved) return [event('ManualReviewApproved', { at: data.at, caseId: data.caseId })];
  const { reasonCode, userMessage } = requireReason(data);
  return [
    event('ManualReviewRejected', {
      at: data.at,
      caseId: data.caseId,
      reasonCode,
      userMessage,
      final: data.final ?? false,
    }),
  ];
}

// ── 2.2 occupancy and appeal ────────────────────────────────────────────────────────

export function decideOccupancy(
  { data }: DecideOccupancy,
  state: VerificationState,
): VerificationEvent[] {
  const s = inState(state, ['identity_occupied'], 'DecideOccupancy');
  if (s.occupancy.disputed) throw refused(s, 'DecideOccupancy', 'already disputed; file an appeal');
  const { at } = data;
  const { holderAccountId, holderStatus } = s.occupancy;
  if (holderStatus === 'authenticated') {
    return data.decision === 'mine'
      ? [event('OccupancyClaimedAsOwn', { at, holderAccountId })]
      : [event('OccupancyDisputed', { at, holderAccountId })];
  }
  return data.decision === 'mine'
    ? [event('AccountAssociated', { at, mainAccountId: holderAccountId, via: 'occupancy' })]
    : [event('IdentityReclaimed', { at, holderAccountId, registryId: s.identity.registryId })];
}

export function fileAppeal(
  { data }: FileAppeal,
  state: VerificationState,
  policy: VerificationPolicy,
): VerificationEvent[] {
  const s = inState(state, ['identity_occupied'], 'FileAppeal');
  if (!s.occupancy.disputed) throw refused(s, 'FileAppeal', 'decide the occupancy first');
  assertCertificates(data.documentIds, policy.certificates.min, policy.certificates.max);
  if (!isAtOrAfter(data.dueAt, data.at)) {
    throw new RangeError(`An appeal's due time ${data.dueAt} is before its filing at ${data.at}`);
  }
  return [
    event('AppealFiled', {
      at: data.at,
      caseId: data.caseId,
      documentIds: data.documentIds,
      dueAt: data.dueAt,
      ...(data.provisional ? { provisional: true as const } : {}),
    }),
  ];
}

/**
 * Replaces a provisional appeal due time by the official one. A re-upload pause that
 * moved the provisional due time moves the official one as much. Nothing when the due
 * time is already official: the command may come more than once.
 */
export function confirmAppealDeadline(
  { data }: ConfirmAppealDeadline,
  state: VerificationState,
): VerificationEvent[] {
  const s = inState(state, ['appeal_pending'], 'ConfirmAppealDeadline');
  const { provisional } = s.appeal;
  if (s.appeal.caseId !== data.caseId || !provisional) return [];
  const pausedMs = Date.parse(s.appeal.dueAt) - Date.parse(provisional.dueAt);
  const dueAt = addMillis(data.dueAt, pausedMs);
  return [
    event('AppealDeadlineConfirmed', {
      at: data.at,
      caseId: data.caseId,
      dueAt,
      provisionalDueAt: s.appeal.dueAt,
    }),
  ];
}

export function decideAppeal(
  { data }: DecideAppeal,
  state: VerificationState,
): VerificationEvent[] {
  const s = inState(state, ['appeal_pending'], 'DecideAppeal');
  assertOpenCase(s, 'DecideAppeal', data.caseId);
  if (data.upheld) {
    return [
      event('AppealUpheld', {
        at: data.at,
        caseId: data.caseId,
        holderAccountId: s.occupancy.holderAccountId,
        registryId: s.identity.registryId,
      }),
    ];
  }
  const { reasonCode, userMessage } = requireReason(data);
  return [event('AppealDenied', { at: data.at, caseId: data.caseId, reasonCode, userMessage })];
}
