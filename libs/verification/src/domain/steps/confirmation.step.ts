// Steps 3 and 4: confirming the name and ID number, and the ID photos or their skip.
import type {
  ConfirmIdentity,
  DeferConfirmation,
  RecordDocumentCheck,
  SkipIdDocuments,
  SubmitIdDocuments,
} from '../verification.commands';
import type { VerificationEvent } from '../verification.events';
import { isIn, type VerificationState } from '../verification.state';
import { event, inState, refused } from './step-helpers';

// ── 3. confirmation ─────────────────────────────────────────────────────────────────

export function confirmIdentity(
  { data }: ConfirmIdentity,
  state: VerificationState,
): VerificationEvent[] {
  if (state.status === 'identity_confirmed') return [];
  inState(state, ['identity_verified'], 'ConfirmIdentity');
  return [event('IdentityConfirmed', { at: data.at })];
}

export function deferConfirmation(
  { data }: DeferConfirmation,
  state: VerificationState,
): VerificationEvent[] {
  const s = inState(state, ['identity_verified'], 'DeferConfirmation');
  return s.deferred ? [] : [event('ConfirmationDeferred', { at: data.at })];
}

// ── 4. ID photos ────────────────────────────────────────────────────────────────────

export function submitIdDocuments(
  { data }: SubmitIdDocuments,
  state: VerificationState,
): VerificationEvent[] {
  const s = inState(state, ['identity_confirmed', 'authenticated'], 'SubmitIdDocuments');
  if (s.status === 'authenticated' && s.tier === 'full') {
    throw refused(s, 'SubmitIdDocuments', 'the ID photos were already accepted');
  }
  if (s.documentCheck.status === 'checking') {
    throw refused(s, 'SubmitIdDocuments', 'the ID photos are being checked');
  }
  return [
    event('IdDocumentsSubmitted', { at: data.at, frontId: data.frontId, backId: data.backId }),
  ];
}

export function recordDocumentCheck(
  { data }: RecordDocumentCheck,
  state: VerificationState,
): VerificationEvent[] {
  if (!isIn(state, ['identity_confirmed', 'authenticated'])) return [];
  if (state.documentCheck.status !== 'checking') return [];
  if (!data.accepted) {
    return [event('IdDocumentsRejected', { at: data.at, reason: data.reason ?? 'rejected' })];
  }
  const accepted = event('IdDocumentsAccepted', { at: data.at });
  return state.status === 'authenticated'
    ? [accepted, event('TierUpgraded', { at: data.at, tier: 'full' })]
    : [accepted];
}

export function skipIdDocuments(
  { data }: SkipIdDocuments,
  state: VerificationState,
): VerificationEvent[] {
  const s = inState(state, ['identity_confirmed'], 'SkipIdDocuments');
  if (s.documentCheck.status === 'checking') {
    throw refused(s, 'SkipIdDocuments', 'the ID photos are being checked');
  }
  return [event('IdDocumentsSkipped', { at: data.at })];
}
