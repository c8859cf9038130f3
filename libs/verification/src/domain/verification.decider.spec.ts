import { decisionsOutside, unexercised } from '@shiming/workflow';
import { toStatus } from './status';
import { given, observed } from './testing/given-when-then';
import {
  appealDenied,
  appealPending,
  authenticatedLimited,
  BOUND_CARD,
  CARD,
  cardChecking,
  cardMatched,
  cardMismatch,
  cardRequired,
  cardRequiredWithPhotos,
  command,
  depositPending,
  depositSettled,
  event,
  fourWrongPasswords,
  HOLDER,
  IDENTITY,
  identityConfirmed,
  identityMismatched,
  identitySubmitted,
  identityVerified,
  locked,
  MAIN,
  mainWithAssociate,
  occupancyDisputed,
  occupiedByAuthenticated,
  occupiedByVerified,
  OTHER_ACCOUNT,
  OTHER_CARD,
  OTHER_IDENTITY,
  reviewPending,
  reviewRejected,
  smsSent,
  started,
  T0,
  t,
} from './testing/verification.fixtures';
import {
  COMMAND_SOURCES,
  isTolerant,
  VERIFICATION_COMMAND_TYPES,
  type CommandOfType,
  type VerificationCommand,
  type VerificationCommandType,
} from './verification.commands';
import {
  assertIdentitySubmissionAllowed,
  createVerificationDecider,
  decide,
  verificationDecider,
} from './verification.decider';
import {
  AttemptsExceededError,
  SmsSendLimitError,
  CodeExpiredError,
  IdentityAlreadyConfirmedError,
  IdentityAppealDeniedError,
  IdentityHasAssociatedAccountsError,
  IdentitySubmissionLockedError,
  InvalidCertificatesError,
  MicroDepositExpiredError,
  PaymentVerificationUnsupportedError,
  ReasonRequiredError,
  ResendTooSoonError,
  UnsupportedRegionError,
  WrongStateError,
} from './verification.errors';
import type { VerificationEvent } from './verification.events';
import { evolve } from './verification.evolve';
import { DEFAULT_VERIFICATION_POLICY } from './verification.policy';
import { commandsForOtherAccounts } from './verification.reactions';
import {
  ASSOCIABLE_STATUSES,
  initialState,
  UNLOCKABLE_STATUSES,
  VERIFICATION_STATUSES,
  type VerificationStatus,
} from './verification.state';
import { findTransition, VERIFICATION_TRANSITIONS } from './verification.transitions';

// ── commands used throughout ──────────────────────────────────────────────────────

const start = (at = T0) => command('StartVerification', { at, region: 'mainland' });
const submitIdentity = (at = T0, identity = IDENTITY) =>
  command('SubmitIdentity', { at, identity, passwordCorrect: true });
const wrongPassword = (at = T0) =>
  command('SubmitIdentity', { at, identity: IDENTITY, passwordCorrect: false });
const identityCheck = (
  outcome: CommandOfType<'RecordIdentityCheck'>['data']['outcome'],
  at = T0,
  occupiedBy?: CommandOfType<'RecordIdentityCheck'>['data']['occupiedBy'],
) => command('RecordIdentityCheck', { at, outcome, ...(occupiedBy ? { occupiedBy } : {}) });
const bankCheck = (
  outcome: CommandOfType<'RecordBankCheck'>['data']['outcome'],
  supportsPaymentVerification = true,
  at = T0,
) => command('RecordBankCheck', { at, outcome, supportsPaymentVerification });
const verifySms = (codeHash: string, at = t('1m')) => command('VerifySmsCode', { at, codeHash });
const confirmAmount = (amountHash: string, at = t('2d')) =>
  command('ConfirmMicroDeposit', { at, amountHash });
const revoke = (
  reason: 'appeal_upheld' | 'claimed_by_owner' = 'appeal_upheld',
  registryId = IDENTITY.registryId,
  at = t('3d'),
) => command('RevokeIdentity', { at, registryId, reason, byAccountId: OTHER_ACCOUNT });

const smsRejected = (attemptsLeft: number, at = t('1m')) =>
  event('SmsCodeRejected', { at, attemptsLeft });

describe('verification decider', () => {
  describe('1. start', () => {
    it('starts a mainland verification', () => {
      const { state } = given([])
        .when(start())
        .then([event('VerificationStarted', { at: T0, region: 'mainland' })]);
      expect(toStatus(state)).toMatchObject({
        state: 'identity_pending',
        nextActions: ['submit_identity'],
      });
    });

    it('refuses any other region with unsupported_region (422)', () => {
      given([])
        .when(command('StartVerification', { at: T0, region: 'hong_kong' }))
        .thenThrows(UnsupportedRegionError, { code: 'unsupported_region', status: 422 });
    });

    it('does nothing when started again before the identity is submitted', () => {
      given(started)
        .when(start(t('1m')))
        .thenNothing();
    });

    it('refuses a restart while the identity is being checked', () => {
      given(identitySubmitted)
        .when(start())
        .thenThrows(WrongStateError, { code: 'wrong_state', status: 409 });
    });

    it('refuses a restart once authenticated, naming the state and the command', () => {
      given(authenticatedLimited)
        .when(start())
        .thenThrows(WrongStateError, {
          extras: { state: 'authenticated', command: 'StartVerification' },
        });
    });

    it('refuses an identity before the process has started', () => {
      given([]).when(submitIdentity()).thenThrows(WrongStateError, { state: 'not_started' });
    });
  });

  describe('journey: match → confirm → skip photos → card match → agreement → SMS → limited', () => {
    it('authenticates with the limited tier', () => {
      let h = given([]).when(start()).then(started).history;
      h = given(h)
        .when(submitIdentity())
        .then([event('IdentitySubmitted', { at: T0, identity: IDENTITY })]).history;
      h = given(h)
        .when(identityCheck('match'))
        .then([event('IdentityVerified', { at: T0 })]).history;
      h = given(h)
        .when(command('ConfirmIdentity', { at: T0 }))
        .then([event('IdentityConfirmed', { at: T0 })]).history;
      h = given(h)
        .when(command('SkipIdDocuments', { at: T0 }))
        .then([event('IdDocumentsSkipped', { at: T0 })]).history;
      h = given(h)
        .when(command('SubmitBankCard', { at: T0, card: CARD }))
        .then([event('BankCardSubmitted', { at: T0, card: CARD })]).history;
      h = given(h)
        .when(bankCheck('match'))
        .then([event('BankCardMatched', { at: T0 })]).history;
      h = given(h)
        .when(command('AcceptAgreement', { at: T0, codeHash: 'sms-hash-1' }))
        .then([
          event('AgreementAccepted', { at: T0 }),
          event('SmsCodeIssued', {
            at: T0,
            codeHash: 'sms-hash-1',
            expiresAt: t('5m'),
            resendableAt: t('60s'),
          }),
        ]).history;
      const { state } = given(h)
        .when(verifySms('sms-hash-1'))
        .then([
          event('SmsCodeVerified', { at: t('1m') }),
          event('Authenticated', { at: t('1m'), tier: 'limited', via: 'sms_code' }),
        ]);
      expect(toStatus(state)).toMatchObject({
        state: 'authenticated',
        authenticated: true,
        tier: 'limited',
        nextActions: ['upload_id_documents', 'associate_account'],
      });
    });
  });

  describe('journey: with ID photos → full tier', () => {
    it('checks the photos, then moves on to the bank card', () => {
      const { history } = given(identityConfirmed)
        .when(command('SubmitIdDocuments', { at: T0, frontId: 'img-front', backId: 'img-back' }))
        .then([
          event('IdDocumentsSubmitted', { at: T0, frontId: 'img-front', backId: 'img-back' }),
        ]);
      expect(toStatus(given(history).state).nextActions).toEqual([]);
      const { state } = given(history)
        .when(command('RecordDocumentCheck', { at: T0, accepted: true }))
        .then([event('IdDocumentsAccepted', { at: T0 })]);
      expect(toStatus(state)).toMatchObject({
        state: 'bank_card_required',
        nextActions: ['submit_bank_card'],
      });
    });

    it('authenticates with the full tier', () => {
      const history = [
        ...cardRequiredWithPhotos,
        event('BankCardSubmitted', { at: T0, card: CARD }),
        event('BankCardMatched', { at: T0 }),
        event('AgreementAccepted', { at: T0 }),
        event('SmsCodeIssued', {
          at: T0,
          codeHash: 'sms-hash-1',
          expiresAt: t('5m'),
          resendableAt: t('60s'),
        }),
      ];
      const { state } = given(history)
        .when(verifySms('sms-hash-1'))
        .then([
          event('SmsCodeVerified', { at: t('1m') }),
          event('Authenticated', { at: t('1m'), tier: 'full', via: 'sms_code' }),
        ]);
      expect(toStatus(state)).toMatchObject({
        authenticated: true,
        tier: 'full',
        nextActions: ['associate_account'],
      });
    });

    const photosChecking = [
      ...identityConfirmed,
      event('IdDocumentsSubmitted', { at: T0, frontId: 'img-front', backId: 'img-back' }),
    ];

    it('lets the user upload again or skip after the photos are rejected', () => {
      const { history, state } = given(photosChecking)
        .when(
          command('RecordDocumentCheck', { at: T0, accepted: false, reason: 'image_too_small' }),
        )
        .then([event('IdDocumentsRejected', { at: T0, reason: 'image_too_small' })]);
      expect(toStatus(state)).toMatchObject({
        state: 'identity_confirmed',
        nextActions: ['upload_id_documents', 'skip_id_documents'],
        notice: { code: 'id_documents_rejected', params: { reason: 'image_too_small' } },
      });
      given(history)
        .when(command('SubmitIdDocuments', { at: t('1m'), frontId: 'img-f2', backId: 'img-b2' }))
        .then([
          event('IdDocumentsSubmitted', { at: t('1m'), frontId: 'img-f2', backId: 'img-b2' }),
        ]);
      given(history)
        .when(command('SkipIdDocuments', { at: t('1m') }))
        .then([event('IdDocumentsSkipped', { at: t('1m') })]);
    });

    it('refuses new photos or a skip while the photos are being checked', () => {
      given(photosChecking)
        .when(command('SubmitIdDocuments', { at: T0, frontId: 'a', backId: 'b' }))
        .thenThrows(WrongStateError);
      given(photosChecking)
        .when(command('SkipIdDocuments', { at: T0 }))
        .thenThrows(WrongStateError);
    });

    it('ignores a photo check result nobody is waiting for', () => {
      given(identityConfirmed)
        .when(command('RecordDocumentCheck', { at: T0, accepted: true }))
        .thenNothing();
    });
  });

  describe('journey: identity mismatch → manual review', () => {
    it('offers a manual review or a new submission after a mismatch', () => {
      const { state } = given(identitySubmitted)
        .when(identityCheck('mismatch'))
        .then([event('IdentityMismatched', { at: T0 })]);
      expect(toStatus(state)).toMatchObject({
        state: 'identity_mismatch',
        nextActions: ['apply_manual_review', 'submit_identity'],
      });
    });

    it('opens a case due in 48 hours', () => {
      const { state } = given(identityMismatched)
        .when(
          command('RequestManualReview', {
            at: T0,
            caseId: 'case-mr-1',
            documentIds: ['cert-1', 'cert-2'],
          }),
        )
        .then([
          event('ManualReviewRequested', {
            at: T0,
            caseId: 'case-mr-1',
            documentIds: ['cert-1', 'cert-2'],
            dueAt: t('48h'),
          }),
        ]);
      expect(toStatus(state)).toMatchObject({
        state: 'manual_review_pending',
        nextActions: [],
        deadlines: { manualReviewDueAt: t('48h') },
        case: { id: 'case-mr-1', kind: 'manual_review', dueAt: t('48h') },
      });
    });

    it.each([
      ['one certificate', ['cert-1']],
      ['five certificates', ['c1', 'c2', 'c3', 'c4', 'c5']],
      ['the same certificate twice', ['cert-1', 'cert-1']],
    ])('refuses %s (invalid_certificates, 422)', (_label, documentIds) => {
      given(identityMismatched)
        .when(command('RequestManualReview', { at: T0, caseId: 'case-mr-1', documentIds }))
        .thenThrows(InvalidCertificatesError, { code: 'invalid_certificates', status: 422 });
    });

    it('jumps straight to the bank card when approved; the identity counts as confirmed', () => {
      const { state, history } = given(reviewPending)
        .when(command('DecideManualReview', { at: t('1d'), caseId: 'case-mr-1', approved: true }))
        .then([event('ManualReviewApproved', { at: t('1d'), caseId: 'case-mr-1' })]);
      expect(toStatus(state)).toMatchObject({
        state: 'bank_card_required',
        nextActions: ['submit_bank_card'],
      });
      given(history)
        .when(submitIdentity(t('1d')))
        .thenThrows(IdentityAlreadyConfirmedError);
      given(history)
        .when(command('ConfirmIdentity', { at: t('1d') }))
        .thenThrows(WrongStateError);
    });

    it('authenticates a manually reviewed identity with the limited tier', () => {
      const history = [
        ...reviewPending,
        event('ManualReviewApproved', { at: t('1d'), caseId: 'case-mr-1' }),
        event('BankCardSubmitted', { at: t('1d'), card: CARD }),
        event('BankCardMatched', { at: t('1d') }),
        event('AgreementAccepted', { at: t('1d') }),
        event('SmsCodeIssued', {
          at: t('1d'),
          codeHash: 'sms-hash-1',
          expiresAt: t('1d 5m'),
          resendableAt: t('1d 60s'),
        }),
      ];
      given(history)
        .when(verifySms('sms-hash-1', t('1d 1m')))
        .then([
          event('SmsCodeVerified', { at: t('1d 1m') }),
          event('Authenticated', { at: t('1d 1m'), tier: 'limited', via: 'sms_code' }),
        ]);
    });

    it('records a rejection with its reason, and lets the user resubmit or apply again', () => {
      const { state, history } = given(reviewPending)
        .when(
          command('DecideManualReview', {
            at: t('1d'),
            caseId: 'case-mr-1',
            approved: false,
            reasonCode: 'blurred_certificate',
            userMessage: 'The certificate photo is blurred.',
          }),
        )
        .then([
          event('ManualReviewRejected', {
            at: t('1d'),
            caseId: 'case-mr-1',
            reasonCode: 'blurred_certificate',
            userMessage: 'The certificate photo is blurred.',
            final: false,
          }),
        ]);
      expect(toStatus(state)).toMatchObject({
        state: 'manual_review_rejected',
        nextActions: ['submit_identity', 'apply_manual_review'],
        notice: { code: 'blurred_certificate', message: 'The certificate photo is blurred.' },
      });
      given(history)
        .when(submitIdentity(t('2d'), OTHER_IDENTITY))
        .then([event('IdentitySubmitted', { at: t('2d'), identity: OTHER_IDENTITY })]);
      given(history)
        .when(
          command('RequestManualReview', {
            at: t('2d'),
            caseId: 'case-mr-2',
            documentIds: ['cert-3', 'cert-4', 'cert-5'],
          }),
        )
        .then([
          event('ManualReviewRequested', {
            at: t('2d'),
            caseId: 'case-mr-2',
            documentIds: ['cert-3', 'cert-4', 'cert-5'],
            dueAt: t('4d'),
          }),
        ]);
    });

    it('ends the process after a final rejection', () => {
      const { state, history } = given(reviewPending)
        .when(
          command('DecideManualReview', {
            at: t('1d'),
            caseId: 'case-mr-1',
            approved: false,
            reasonCode: 'forged_certificate',
            userMessage: 'The certificates could not be accepted.',
            final: true,
          }),
        )
        .then([
          event('ManualReviewRejected', {
            at: t('1d'),
            caseId: 'case-mr-1',
            reasonCode: 'forged_certificate',
            userMessage: 'The certificates could not be accepted.',
            final: true,
          }),
        ]);
      expect(toStatus(state).nextActions).toEqual([]);
      given(history)
        .when(submitIdentity(t('2d')))
        .thenThrows(WrongStateError);
      given(history)
        .when(command('RequestManualReview', { at: t('2d'), caseId: 'c', documentIds: ['a', 'b'] }))
        .thenThrows(WrongStateError);
    });

    it('needs a reason code to reject (reason_required, 422)', () => {
      given(reviewPending)
        .when(
          command('DecideManualReview', {
            at: t('1d'),
            caseId: 'case-mr-1',
            approved: false,
            userMessage: 'Blurred.',
          }),
        )
        .thenThrows(ReasonRequiredError, { code: 'reason_required', status: 422 });
    });

    it('rejects without the reviewer’s words: the notice is the reason code alone', () => {
      const { state } = given(reviewPending)
        .when(
          command('DecideManualReview', {
            at: t('1d'),
            caseId: 'case-mr-1',
            approved: false,
            reasonCode: 'certificates_expired',
          }),
        )
        .then([
          expect.objectContaining({
            type: 'ManualReviewRejected',
            data: expect.objectContaining({ reasonCode: 'certificates_expired', userMessage: '' }),
          }),
        ]);
      expect(toStatus(state).notice).toEqual({ code: 'certificates_expired' });
    });

    it("refuses a decision on a case that is not the account's open case", () => {
      given(reviewPending)
        .when(command('DecideManualReview', { at: t('1d'), caseId: 'case-old', approved: true }))
        .thenThrows(WrongStateError);
    });

    it('refuses a decision when no review is pending', () => {
      given(identityMismatched)
        .when(command('DecideManualReview', { at: t('1d'), caseId: 'case-mr-1', approved: true }))
        .thenThrows(WrongStateError);
    });

    it('asks for a re-upload and takes the new images, staying pending', () => {
      const { state, history } = given(reviewPending)
        .when(
          command('RequestReupload', {
            at: t('1h'),
            caseId: 'case-mr-1',
            documentKind: 'id_card_back',
            userMessage: 'Please upload the back of your ID card again.',
          }),
        )
        .then([
          event('ReuploadRequested', {
            at: t('1h'),
            caseId: 'case-mr-1',
            documentKind: 'id_card_back',
            userMessage: 'Please upload the back of your ID card again.',
          }),
        ]);
      expect(toStatus(state)).toMatchObject({
        state: 'manual_review_pending',
        nextActions: ['reupload_certificates'],
        notice: { message: 'Please upload the back of your ID card again.' },
      });
      const after = given(history)
        .when(command('ProvideReupload', { at: t('2h'), documentIds: ['cert-9'] }))
        .then([
          // The SLA clock paused from the request (1 h) to the upload (2 h): due 1 h later.
          event('ReuploadProvided', {
            at: t('2h'),
            caseId: 'case-mr-1',
            documentIds: ['cert-9'],
            dueAt: t('49h'),
          }),
        ]);
      expect(toStatus(after.state)).toMatchObject({
        nextActions: [],
        deadlines: { manualReviewDueAt: t('49h') },
      });
    });

    it('takes documents added unasked, without moving the due time', () => {
      const { state } = given(reviewPending)
        .when(command('ProvideReupload', { at: t('2h'), documentIds: ['cert-9'] }))
        .then([
          event('ReuploadProvided', { at: t('2h'), caseId: 'case-mr-1', documentIds: ['cert-9'] }),
        ]);
      expect(toStatus(state)).toMatchObject({ deadlines: { manualReviewDueAt: t('48h') } });
    });
  });

  describe('journey: identity occupied', () => {
    it('reports the occupancy and the kind of holder, never the holder', () => {
      const { state } = given(identitySubmitted)
        .when(identityCheck('match', T0, { accountId: HOLDER, holderStatus: 'authenticated' }))
        .then([
          event('IdentityOccupied', {
            at: T0,
            holderAccountId: HOLDER,
            holderStatus: 'authenticated',
          }),
        ]);
      const status = toStatus(state);
      expect(status).toMatchObject({
        state: 'identity_occupied',
        nextActions: ['decide_occupancy', 'submit_identity'],
        occupancy: { holder: 'authenticated', disputed: false },
      });
      expect(JSON.stringify(status)).not.toContain(HOLDER);
    });

    describe('A: held by an authenticated account', () => {
      it('"mine": continues as an associated account of that identity', () => {
        const { state, history } = given(occupiedByAuthenticated)
          .when(command('DecideOccupancy', { at: T0, decision: 'mine' }))
          .then([event('OccupancyClaimedAsOwn', { at: T0, holderAccountId: HOLDER })]);
        expect(state).toMatchObject({ status: 'identity_verified', associatedWith: HOLDER });
        given(history)
          .when(command('ConfirmIdentity', { at: T0 }))
          .then([event('IdentityConfirmed', { at: T0 })]);
      });

      it('"not mine": asks for an appeal', () => {
        const { state } = given(occupiedByAuthenticated)
          .when(command('DecideOccupancy', { at: T0, decision: 'not_mine' }))
          .then([event('OccupancyDisputed', { at: T0, holderAccountId: HOLDER })]);
        expect(toStatus(state)).toMatchObject({
          state: 'identity_occupied',
          nextActions: ['file_appeal', 'submit_identity'],
          occupancy: { holder: 'authenticated', disputed: true },
        });
      });

      it('files the appeal with the due time the calendar gave', () => {
        const dueAt = '2025-03-06T15:59:59.999Z';
        const { state } = given(occupancyDisputed)
          .when(
            command('FileAppeal', {
              at: T0,
              caseId: 'case-ap-1',
              documentIds: ['cert-1', 'cert-2'],
              dueAt,
            }),
          )
          .then([
            event('AppealFiled', {
              at: T0,
              caseId: 'case-ap-1',
              documentIds: ['cert-1', 'cert-2'],
              dueAt,
            }),
          ]);
        expect(toStatus(state)).toMatchObject({
          state: 'appeal_pending',
          deadlines: { appealDueAt: dueAt },
          case: { id: 'case-ap-1', kind: 'appeal', dueAt },
        });
      });

      describe('a due time counted past the calendar data', () => {
        const provisionalDue = '2025-03-06T15:59:59.999Z';
        const officialDue = '2025-03-07T15:59:59.999Z';
        const filed = [
          ...occupancyDisputed,
          event('AppealFiled', {
            at: T0,
            caseId: 'case-ap-1',
            documentIds: ['cert-1', 'cert-2'],
            dueAt: provisionalDue,
            provisional: true,
          }),
        ];

        it('files the appeal and shows its due time as provisional', () => {
          const { state } = given(occupancyDisputed)
            .when(
              command('FileAppeal', {
                at: T0,
                caseId: 'case-ap-1',
                documentIds: ['cert-1', 'cert-2'],
                dueAt: provisionalDue,
                provisional: true,
              }),
            )
            .then([filed[filed.length - 1]]);
          expect(toStatus(state)).toMatchObject({
            deadlines: { appealDueAt: provisionalDue, provisional: true },
            case: { id: 'case-ap-1', kind: 'appeal', dueAt: provisionalDue, provisional: true },
          });
        });

        it('confirms the official due time once, and then it is no longer provisional', () => {
          const confirm = command('ConfirmAppealDeadline', {
            at: t('1h'),
            caseId: 'case-ap-1',
            dueAt: officialDue,
          });
          const { state, history } = given(filed)
            .when(confirm)
            .then([
              event('AppealDeadlineConfirmed', {
                at: t('1h'),
                caseId: 'case-ap-1',
                dueAt: officialDue,
                provisionalDueAt: provisionalDue,
              }),
            ]);
          expect(toStatus(state).deadlines).toEqual({ appealDueAt: officialDue });
          expect(toStatus(state).case).toEqual({
            id: 'case-ap-1',
            kind: 'appeal',
            dueAt: officialDue,
          });
          given(history).when(confirm).thenNothing();
        });

        it('does nothing for an official due time, another case, or a decided appeal', () => {
          const confirm = command('ConfirmAppealDeadline', {
            at: t('1h'),
            caseId: 'case-ap-1',
            dueAt: officialDue,
          });
          given(appealPending).when(confirm).thenNothing();
          given(filed)
            .when(command('ConfirmAppealDeadline', { ...confirm.data, caseId: 'case-x' }))
            .thenNothing();
          given(appealDenied).when(confirm).thenNothing();
        });

        it('keeps a re-upload pause in the official due time', () => {
          const paused = [
            ...filed,
            event('ReuploadRequested', {
              at: t('1h'),
              caseId: 'case-ap-1',
              documentKind: 'household_register',
              userMessage: 'again',
            }),
            event('ReuploadProvided', {
              at: t('3h'),
              caseId: 'case-ap-1',
              documentIds: ['cert-7', 'cert-8'],
              dueAt: '2025-03-06T17:59:59.999Z',
            }),
          ];
          expect(toStatus(given(paused).state).deadlines).toMatchObject({ provisional: true });
          given(paused)
            .when(
              command('ConfirmAppealDeadline', {
                at: t('4h'),
                caseId: 'case-ap-1',
                dueAt: officialDue,
              }),
            )
            .then([
              event('AppealDeadlineConfirmed', {
                at: t('4h'),
                caseId: 'case-ap-1',
                dueAt: '2025-03-07T17:59:59.999Z',
                provisionalDueAt: '2025-03-06T17:59:59.999Z',
              }),
            ]);
        });
      });

      it('refuses an appeal before the user said "not mine", and a second decision after', () => {
        given(occupiedByAuthenticated)
          .when(
            command('FileAppeal', {
              at: T0,
              caseId: 'case-ap-1',
              documentIds: ['cert-1', 'cert-2'],
              dueAt: t('3d'),
            }),
          )
          .thenThrows(WrongStateError);
        given(occupancyDisputed)
          .when(command('DecideOccupancy', { at: T0, decision: 'mine' }))
          .thenThrows(WrongStateError);
      });

      it('treats an appeal due before it is filed as a bug of the caller', () => {
        const appeal = command('FileAppeal', {
          at: T0,
          caseId: 'case-ap-1',
          documentIds: ['cert-1', 'cert-2'],
          dueAt: t('-1h'),
        });
        const state = given(occupancyDisputed).state;
        expect(() => decide(appeal, state)).toThrow(RangeError);
      });

      it('upheld: continues, and the holder is to lose the identity', () => {
        const { state, history } = given(appealPending)
          .when(command('DecideAppeal', { at: t('2d'), caseId: 'case-ap-1', upheld: true }))
          .then([
            event('AppealUpheld', {
              at: t('2d'),
              caseId: 'case-ap-1',
              holderAccountId: HOLDER,
              registryId: IDENTITY.registryId,
            }),
          ]);
        expect(toStatus(state)).toMatchObject({
          state: 'identity_verified',
          nextActions: ['confirm_identity', 'defer_confirmation', 'submit_identity'],
        });
        expect(commandsForOtherAccounts('acct-me', history[history.length - 1])).toEqual([
          {
            accountId: HOLDER,
            command: command('RevokeIdentity', {
              at: t('2d'),
              registryId: IDENTITY.registryId,
              reason: 'appeal_upheld',
              byAccountId: 'acct-me',
            }),
          },
        ]);
      });

      it('upheld: the authenticated holder falls back to not authenticated and is told', () => {
        const { state } = given(authenticatedLimited)
          .when(revoke('appeal_upheld'))
          .then([
            event('IdentityRevoked', {
              at: t('3d'),
              registryId: IDENTITY.registryId,
              reason: 'appeal_upheld',
              byAccountId: OTHER_ACCOUNT,
              notice: { code: 'identity_revoked_appeal_upheld' },
            }),
          ]);
        expect(toStatus(state)).toEqual({
          state: 'identity_pending',
          authenticated: false,
          tier: 'none',
          nextActions: ['submit_identity'],
          deadlines: {},
          notice: { code: 'identity_revoked_appeal_upheld' },
        });
        expect(JSON.stringify(state)).not.toContain(IDENTITY.encrypted.idNumber);
      });

      it('denied: stops with the reason', () => {
        const { state } = given(appealPending)
          .when(
            command('DecideAppeal', {
              at: t('2d'),
              caseId: 'case-ap-1',
              upheld: false,
              reasonCode: 'holder_is_owner',
              userMessage: 'The identity belongs to the holding account.',
            }),
          )
          .then([
            event('AppealDenied', {
              at: t('2d'),
              caseId: 'case-ap-1',
              reasonCode: 'holder_is_owner',
              userMessage: 'The identity belongs to the holding account.',
            }),
          ]);
        expect(toStatus(state)).toMatchObject({
          state: 'appeal_denied',
          authenticated: false,
          notice: { code: 'holder_is_owner' },
        });
      });

      it('denied: refuses the same identity again, but takes another one', () => {
        given(appealDenied)
          .when(submitIdentity(t('3d')))
          .thenThrows(IdentityAppealDeniedError, { code: 'identity_appeal_denied', status: 409 });
        given(appealDenied)
          .when(submitIdentity(t('3d'), OTHER_IDENTITY))
          .then([event('IdentitySubmitted', { at: t('3d'), identity: OTHER_IDENTITY })]);
      });

      it('needs a reason to deny, and the open case', () => {
        given(appealPending)
          .when(command('DecideAppeal', { at: t('2d'), caseId: 'case-ap-1', upheld: false }))
          .thenThrows(ReasonRequiredError);
        given(appealPending)
          .when(command('DecideAppeal', { at: t('2d'), caseId: 'case-mr-1', upheld: true }))
          .thenThrows(WrongStateError);
      });

      it('asks for and takes a re-upload during the appeal', () => {
        const { history } = given(appealPending)
          .when(
            command('RequestReupload', {
              at: t('1h'),
              caseId: 'case-ap-1',
              documentKind: 'household_register',
              userMessage: 'Please upload your household register page.',
            }),
          )
          .then([
            event('ReuploadRequested', {
              at: t('1h'),
              caseId: 'case-ap-1',
              documentKind: 'household_register',
              userMessage: 'Please upload your household register page.',
            }),
          ]);
        expect(toStatus(given(history).state).nextActions).toEqual(['reupload_certificates']);
        given(history)
          .when(command('ProvideReupload', { at: t('2h'), documentIds: ['cert-7', 'cert-8'] }))
          .then([
            event('ReuploadProvided', {
              at: t('2h'),
              caseId: 'case-ap-1',
              documentIds: ['cert-7', 'cert-8'],
              dueAt: '2025-03-06T16:59:59.999Z',
            }),
          ]);
      });
    });

    describe('B: held by an account that passed identity verification only', () => {
      it('"mine": this account is associated with the holder, the main account', () => {
        const { state, history } = given(occupiedByVerified)
          .when(command('DecideOccupancy', { at: T0, decision: 'mine' }))
          .then([event('AccountAssociated', { at: T0, mainAccountId: HOLDER, via: 'occupancy' })]);
        expect(toStatus(state)).toMatchObject({
          state: 'associated',
          authenticated: false,
          tier: 'none',
          nextActions: [],
          mainAccountId: HOLDER,
        });
        expect(commandsForOtherAccounts('acct-me', history[history.length - 1])).toEqual([
          {
            accountId: HOLDER,
            command: command('AcceptAssociatedAccount', { at: T0, accountId: 'acct-me' }),
          },
        ]);
      });

      it('"mine": the holder records the associated account and becomes a main account', () => {
        const { state } = given(identityVerified)
          .when(command('AcceptAssociatedAccount', { at: T0, accountId: OTHER_ACCOUNT }))
          .then([event('AssociatedAccountAccepted', { at: T0, accountId: OTHER_ACCOUNT })]);
        expect(state).toMatchObject({ associatedAccounts: [OTHER_ACCOUNT] });
        given(mainWithAssociate)
          .when(command('AcceptAssociatedAccount', { at: t('1m'), accountId: OTHER_ACCOUNT }))
          .thenNothing();
      });

      it("a main account's identity can no longer be changed", () => {
        given(mainWithAssociate)
          .when(submitIdentity(t('1m'), OTHER_IDENTITY))
          .thenThrows(IdentityHasAssociatedAccountsError, { status: 409 });
        expect(toStatus(given(mainWithAssociate).state).nextActions).toEqual([
          'confirm_identity',
          'defer_confirmation',
        ]);
      });

      it('"not mine": this account continues, and the holder is to lose the identity', () => {
        const { state, history } = given(occupiedByVerified)
          .when(command('DecideOccupancy', { at: T0, decision: 'not_mine' }))
          .then([
            event('IdentityReclaimed', {
              at: T0,
              holderAccountId: HOLDER,
              registryId: IDENTITY.registryId,
            }),
          ]);
        expect(state.status).toBe('identity_verified');
        expect(commandsForOtherAccounts('acct-me', history[history.length - 1])).toEqual([
          {
            accountId: HOLDER,
            command: command('RevokeIdentity', {
              at: T0,
              registryId: IDENTITY.registryId,
              reason: 'claimed_by_owner',
              byAccountId: 'acct-me',
            }),
          },
        ]);
      });

      it('"not mine": the holder\'s identity information is deleted and it is told', () => {
        const { state } = given(identityVerified)
          .when(revoke('claimed_by_owner'))
          .then([
            event('IdentityRevoked', {
              at: t('3d'),
              registryId: IDENTITY.registryId,
              reason: 'claimed_by_owner',
              byAccountId: OTHER_ACCOUNT,
              notice: { code: 'identity_revoked_claimed_by_owner' },
            }),
          ]);
        expect(state).toEqual({
          status: 'identity_pending',
          awaiting: 'submission',
          region: 'mainland',
          passwordFailures: 0,
          smsSentAt: [],
          depositsSent: 0,
          revoked: {
            reason: 'claimed_by_owner',
            notice: { code: 'identity_revoked_claimed_by_owner' },
          },
        });
      });
    });

    it('lets the user submit another identity instead', () => {
      given(occupiedByAuthenticated)
        .when(submitIdentity(t('1m'), OTHER_IDENTITY))
        .then([event('IdentitySubmitted', { at: t('1m'), identity: OTHER_IDENTITY })]);
    });
  });

  describe('revocation and association reach every holder', () => {
    const holders: [VerificationStatus, VerificationEvent[]][] = [
      ['identity_verified', identityVerified],
      ['identity_confirmed', identityConfirmed],
      ['bank_card_required', cardRequired],
      ['bank_card_mismatch', cardMismatch],
      ['sms_pending', smsSent],
      ['micro_deposit_pending', depositPending],
      ['micro_deposit_settled', depositSettled],
      ['authenticated', authenticatedLimited],
    ];

    it.each(holders)('revokes the identity held in %s', (status, history) => {
      expect(given(history).state.status).toBe(status);
      const { state } = given(history)
        .when(revoke())
        .then([
          event('IdentityRevoked', {
            at: t('3d'),
            registryId: IDENTITY.registryId,
            reason: 'appeal_upheld',
            byAccountId: OTHER_ACCOUNT,
            notice: { code: 'identity_revoked_appeal_upheld' },
          }),
        ]);
      expect(state).toMatchObject({ status: 'identity_pending', awaiting: 'submission' });
    });

    it.each(holders)('records an associated account in %s', (status, history) => {
      const { state } = given(history)
        .when(command('AcceptAssociatedAccount', { at: t('3d'), accountId: OTHER_ACCOUNT }))
        .then([event('AssociatedAccountAccepted', { at: t('3d'), accountId: OTHER_ACCOUNT })]);
      expect(state).toMatchObject({ status, associatedAccounts: [OTHER_ACCOUNT] });
    });

    it('does nothing when the account holds another identity, or none', () => {
      given(identityVerified)
        .when(revoke('appeal_upheld', OTHER_IDENTITY.registryId))
        .thenNothing();
      given(identityMismatched).when(revoke()).thenNothing();
      given(identitySubmitted).when(revoke()).thenNothing();
      given([
        ...occupiedByVerified,
        event('AccountAssociated', { at: T0, mainAccountId: HOLDER, via: 'occupancy' }),
      ])
        .when(revoke())
        .thenNothing();
      given(identityMismatched)
        .when(command('AcceptAssociatedAccount', { at: T0, accountId: OTHER_ACCOUNT }))
        .thenNothing();
    });
  });

  describe('journey: "not yet" → confirmed later', () => {
    it('leaves the account not authenticated until the user confirms', () => {
      const { state, history } = given(identityVerified)
        .when(command('DeferConfirmation', { at: T0 }))
        .then([event('ConfirmationDeferred', { at: T0 })]);
      expect(toStatus(state)).toMatchObject({
        state: 'identity_verified',
        authenticated: false,
        tier: 'none',
        nextActions: ['confirm_identity', 'submit_identity'],
      });
      given(history)
        .when(command('DeferConfirmation', { at: t('1m') }))
        .thenNothing();
      given(history)
        .when(command('ConfirmIdentity', { at: t('2d') }))
        .then([event('IdentityConfirmed', { at: t('2d') })]);
    });

    it('lets the user change the identity before confirming', () => {
      given([...identityVerified, event('ConfirmationDeferred', { at: T0 })])
        .when(submitIdentity(t('1d'), OTHER_IDENTITY))
        .then([event('IdentitySubmitted', { at: t('1d'), identity: OTHER_IDENTITY })]);
    });
  });

  describe('after confirmation the identity cannot change', () => {
    it.each([
      ['identity_confirmed', identityConfirmed],
      ['bank_card_required', cardRequired],
      ['sms_pending', smsSent],
      ['authenticated', authenticatedLimited],
    ])('refuses a new identity in %s (identity_already_confirmed, 409)', (_status, history) => {
      given(history)
        .when(submitIdentity(t('1h'), OTHER_IDENTITY))
        .thenThrows(IdentityAlreadyConfirmedError, {
          code: 'identity_already_confirmed',
          status: 409,
        });
    });

    it('does nothing when confirmation is repeated', () => {
      given(identityConfirmed)
        .when(command('ConfirmIdentity', { at: t('1m') }))
        .thenNothing();
    });
  });

  describe('journey: mobile mismatch → micro-deposit', () => {
    it('offers payment verification or another card', () => {
      const { state } = given(cardChecking)
        .when(bankCheck('mobile_mismatch', true))
        .then([
          event('BankCardCheckFailed', {
            at: T0,
            reason: 'mobile_mismatch',
            supportsPaymentVerification: true,
          }),
        ]);
      expect(toStatus(state)).toMatchObject({
        state: 'bank_card_mismatch',
        nextActions: ['request_micro_deposit', 'change_bank_card'],
        notice: { code: 'mobile_mismatch' },
      });
    });

    it('sends the deposit, tells the user when it arrives, and authenticates on the right amount', () => {
      let h = given(cardMismatch)
        .when(
          command('RequestMicroDeposit', {
            at: T0,
            depositId: 'dep-1',
            amountHash: 'amount-hash-37',
          }),
        )
        .then([
          event('MicroDepositRequested', {
            at: T0,
            depositId: 'dep-1',
            amountHash: 'amount-hash-37',
          }),
        ]).history;
      expect(toStatus(given(h).state)).toMatchObject({
        state: 'micro_deposit_pending',
        nextActions: ['change_bank_card'],
      });
      const settled = given(h)
        .when(command('RecordDepositSettled', { at: t('1d'), depositId: 'dep-1' }))
        .then([
          event('MicroDepositSettled', { at: t('1d'), depositId: 'dep-1', windowEndsAt: t('11d') }),
        ]);
      expect(toStatus(settled.state)).toMatchObject({
        state: 'micro_deposit_settled',
        nextActions: ['confirm_micro_deposit', 'change_bank_card'],
        deadlines: { microDepositWindowEndsAt: t('11d') },
        notice: { code: 'micro_deposit_arrived' },
      });
      h = settled.history;
      const { state } = given(h)
        .when(confirmAmount('amount-hash-37'))
        .then([
          event('MicroDepositConfirmed', { at: t('2d') }),
          event('Authenticated', { at: t('2d'), tier: 'limited', via: 'micro_deposit' }),
        ]);
      expect(toStatus(state)).toMatchObject({ authenticated: true, tier: 'limited' });
    });

    it('ends the deposit after three wrong amounts; the user may start again or change card', () => {
      let h = given(depositSettled)
        .when(confirmAmount('amount-hash-11'))
        .then([event('MicroDepositAmountRejected', { at: t('2d'), attemptsLeft: 2 })]).history;
      h = given(h)
        .when(confirmAmount('amount-hash-12'))
        .then([event('MicroDepositAmountRejected', { at: t('2d'), attemptsLeft: 1 })]).history;
      const { state, history } = given(h)
        .when(confirmAmount('amount-hash-13'))
        .then([
          event('MicroDepositAmountRejected', { at: t('2d'), attemptsLeft: 0 }),
          event('MicroDepositFailed', { at: t('2d'), reason: 'attempts_exhausted' }),
        ]);
      expect(toStatus(state)).toMatchObject({
        state: 'bank_card_mismatch',
        nextActions: ['request_micro_deposit', 'change_bank_card'],
        notice: { code: 'micro_deposit_attempts_exhausted' },
      });
      given(history)
        .when(
          command('RequestMicroDeposit', { at: t('3d'), depositId: 'dep-2', amountHash: 'ah-2' }),
        )
        .then([
          event('MicroDepositRequested', { at: t('3d'), depositId: 'dep-2', amountHash: 'ah-2' }),
        ]);
    });

    it('expires the deposit when the 10-day window ends', () => {
      const { state } = given(depositSettled)
        .when(command('ExpireMicroDeposit', { at: t('11d') }))
        .then([event('MicroDepositExpired', { at: t('11d') })]);
      expect(toStatus(state)).toMatchObject({
        state: 'bank_card_mismatch',
        notice: { code: 'micro_deposit_expired' },
      });
    });

    it('refuses an amount entered after the window, before the timer has fired', () => {
      given(depositSettled)
        .when(confirmAmount('amount-hash-37', t('11d')))
        .thenThrows(MicroDepositExpiredError, { code: 'micro_deposit_expired', status: 409 });
    });

    it('ignores a window timer that fires early or after the process moved on', () => {
      given(depositSettled)
        .when(command('ExpireMicroDeposit', { at: t('10d') }))
        .thenNothing();
      given(cardRequired)
        .when(command('ExpireMicroDeposit', { at: t('11d') }))
        .thenNothing();
    });

    it('refuses an amount before the deposit has arrived', () => {
      given(depositPending).when(confirmAmount('amount-hash-37')).thenThrows(WrongStateError);
    });

    it('goes back to the mismatch when the payout fails', () => {
      const { state } = given(depositPending)
        .when(
          command('RecordDepositFailed', {
            at: t('1h'),
            depositId: 'dep-1',
            reason: 'card_closed',
          }),
        )
        .then([
          event('MicroDepositPayoutFailed', {
            at: t('1h'),
            depositId: 'dep-1',
            reason: 'card_closed',
          }),
        ]);
      expect(toStatus(state).notice).toEqual({ code: 'micro_deposit_payout_failed' });
    });

    it('ignores news of a deposit it is not waiting for', () => {
      given(depositPending)
        .when(command('RecordDepositSettled', { at: t('1d'), depositId: 'dep-old' }))
        .thenNothing();
      given(depositPending)
        .when(command('RecordDepositFailed', { at: t('1d'), depositId: 'dep-old', reason: 'x' }))
        .thenNothing();
      given(depositSettled)
        .when(command('RecordDepositSettled', { at: t('1d'), depositId: 'dep-1' }))
        .thenNothing();
    });

    const failedDeposit = (n: number) => [
      event('MicroDepositRequested', { at: T0, depositId: `dep-${n}`, amountHash: `ah-${n}` }),
      event('MicroDepositPayoutFailed', { at: T0, depositId: `dep-${n}`, reason: 'x' }),
    ];
    const fourthDeposit = command('RequestMicroDeposit', {
      at: t('1h'),
      depositId: 'dep-4',
      amountHash: 'ah',
    });

    it('allows three deposits per card (attempts_exceeded, 429)', () => {
      given([...cardMismatch, ...failedDeposit(1), ...failedDeposit(2), ...failedDeposit(3)])
        .when(fourthDeposit)
        .thenThrows(AttemptsExceededError, { code: 'attempts_exceeded', status: 429 });
    });

    it('counts deposits for the whole verification: changing card, or the same card again, buys none', () => {
      const againAfterChange = (card: typeof CARD) => [
        event('BankCardChanged', { at: T0 }),
        event('BankCardSubmitted', { at: T0, card }),
        event('BankCardCheckFailed', {
          at: T0,
          reason: 'mobile_mismatch',
          supportsPaymentVerification: true,
        }),
      ];
      for (const card of [CARD, OTHER_CARD]) {
        given([
          ...cardMismatch,
          ...failedDeposit(1),
          ...againAfterChange(card),
          ...failedDeposit(2),
          ...againAfterChange(card),
          ...failedDeposit(3),
          ...againAfterChange(card),
        ])
          .when(fourthDeposit)
          .thenThrows(AttemptsExceededError, { code: 'attempts_exceeded' });
      }
    });
  });

  describe('journey: "verification failed" → micro-deposit, or another card', () => {
    it('offers payment verification after "verification failed" too', () => {
      const { history } = given(cardChecking)
        .when(bankCheck('verification_failed', true))
        .then([
          event('BankCardCheckFailed', {
            at: T0,
            reason: 'verification_failed',
            supportsPaymentVerification: true,
          }),
        ]);
      given(history)
        .when(command('RequestMicroDeposit', { at: T0, depositId: 'dep-1', amountHash: 'ah' }))
        .then([event('MicroDepositRequested', { at: T0, depositId: 'dep-1', amountHash: 'ah' })]);
    });

    it('offers only another card when the card does not support payment verification', () => {
      const { state, history } = given(cardChecking)
        .when(bankCheck('verification_failed', false))
        .then([
          event('BankCardCheckFailed', {
            at: T0,
            reason: 'verification_failed',
            supportsPaymentVerification: false,
          }),
        ]);
      expect(toStatus(state).nextActions).toEqual(['change_bank_card']);
      given(history)
        .when(command('RequestMicroDeposit', { at: T0, depositId: 'dep-1', amountHash: 'ah' }))
        .thenThrows(PaymentVerificationUnsupportedError, { status: 409 });
    });

    it('changes to another card, which then matches', () => {
      let h = given(cardMismatch)
        .when(command('ChangeBankCard', { at: t('1m') }))
        .then([event('BankCardChanged', { at: t('1m') })]).history;
      expect(toStatus(given(h).state)).toMatchObject({
        state: 'bank_card_required',
        nextActions: ['submit_bank_card'],
      });
      h = given(h)
        .when(command('SubmitBankCard', { at: t('2m'), card: OTHER_CARD }))
        .then([event('BankCardSubmitted', { at: t('2m'), card: OTHER_CARD })]).history;
      given(h)
        .when(bankCheck('match', true, t('2m')))
        .then([event('BankCardMatched', { at: t('2m') })]);
    });

    it.each([
      ['a matched card', cardMatched],
      ['an SMS code step', smsSent],
      ['a pending deposit', depositPending],
      ['an arrived deposit', depositSettled],
    ])('changes card from %s', (_label, history) => {
      const { state } = given(history)
        .when(command('ChangeBankCard', { at: t('2d') }))
        .then([event('BankCardChanged', { at: t('2d') })]);
      expect(state).toMatchObject({ status: 'bank_card_required', cardStep: { stage: 'entry' } });
    });

    it('refuses a card change while the bank is checking, and ignores one with no card', () => {
      given(cardChecking)
        .when(command('ChangeBankCard', { at: T0 }))
        .thenThrows(WrongStateError);
      given(cardRequired)
        .when(command('ChangeBankCard', { at: T0 }))
        .thenNothing();
    });

    it('refuses a card that does not support quick payment, and takes another', () => {
      const { state, history } = given(cardChecking)
        .when(bankCheck('not_quick_pay'))
        .then([event('BankCardRefused', { at: T0, reason: 'not_quick_pay' })]);
      expect(toStatus(state)).toMatchObject({
        state: 'bank_card_required',
        nextActions: ['submit_bank_card', 'change_bank_card'],
        notice: { code: 'card_not_quick_pay' },
      });
      given(history)
        .when(command('SubmitBankCard', { at: t('1m'), card: OTHER_CARD }))
        .then([event('BankCardSubmitted', { at: t('1m'), card: OTHER_CARD })]);
      given(history)
        .when(command('ChangeBankCard', { at: t('1m') }))
        .then([event('BankCardChanged', { at: t('1m') })]);
    });

    it('refuses a second card while one is being checked or has matched', () => {
      given(cardChecking)
        .when(command('SubmitBankCard', { at: T0, card: OTHER_CARD }))
        .thenThrows(WrongStateError);
      given(cardMatched)
        .when(command('SubmitBankCard', { at: T0, card: OTHER_CARD }))
        .thenThrows(WrongStateError);
    });

    it('refuses the agreement before a card matched, and ignores bank results not awaited', () => {
      given(cardChecking)
        .when(command('AcceptAgreement', { at: T0, codeHash: 'h' }))
        .thenThrows(WrongStateError);
      given(cardMatched).when(bankCheck('match')).thenNothing();
    });
  });

  describe('journey: bound quick-pay card', () => {
    it('authenticates directly once the bank matches the confirmed bound card', () => {
      const { history } = given(cardRequired)
        .when(command('SubmitBankCard', { at: T0, card: BOUND_CARD }))
        .then([event('BankCardSubmitted', { at: T0, card: BOUND_CARD })]);
      const { state } = given(history)
        .when(bankCheck('match'))
        .then([
          event('BankCardMatched', { at: T0 }),
          event('Authenticated', { at: T0, tier: 'limited', via: 'bound_card' }),
        ]);
      expect(state).toMatchObject({ status: 'authenticated', card: BOUND_CARD });
    });

    it('keeps the full tier when the photos were accepted', () => {
      given([...cardRequiredWithPhotos, event('BankCardSubmitted', { at: T0, card: BOUND_CARD })])
        .when(bankCheck('match'))
        .then([
          event('BankCardMatched', { at: T0 }),
          event('Authenticated', { at: T0, tier: 'full', via: 'bound_card' }),
        ]);
    });
  });

  describe('SMS code', () => {
    it('rejects a wrong code and says how many attempts are left', () => {
      given(smsSent)
        .when(verifySms('sms-hash-x'))
        .then([smsRejected(4)]);
    });

    it('ends the code on the fifth wrong entry; agreeing again sends a new one', () => {
      const fourWrong = [
        ...smsSent,
        smsRejected(4),
        smsRejected(3),
        smsRejected(2),
        smsRejected(1),
      ];
      const { state, history } = given(fourWrong)
        .when(verifySms('sms-hash-x'))
        .then([smsRejected(0), event('SmsCodeAttemptsExhausted', { at: t('1m') })]);
      expect(toStatus(state)).toMatchObject({
        state: 'bank_card_required',
        nextActions: ['accept_agreement', 'change_bank_card'],
        notice: { code: 'sms_code_attempts_exhausted' },
      });
      given(history)
        .when(command('AcceptAgreement', { at: t('2m'), codeHash: 'sms-hash-2' }))
        .then([
          event('AgreementAccepted', { at: t('2m') }),
          event('SmsCodeIssued', {
            at: t('2m'),
            codeHash: 'sms-hash-2',
            expiresAt: t('7m'),
            resendableAt: t('3m'),
          }),
        ]);
    });

    it('refuses a code entered after five minutes (code_expired)', () => {
      given(smsSent)
        .when(verifySms('sms-hash-1', t('5m')))
        .thenThrows(CodeExpiredError, { code: 'code_expired', status: 409 });
    });

    it('records the expiry when its timer fires, then offers a new code', () => {
      const { state, history } = given(smsSent)
        .when(command('ExpireSmsCode', { at: t('5m') }))
        .then([event('SmsCodeExpired', { at: t('5m') })]);
      expect(toStatus(state)).toMatchObject({
        state: 'sms_pending',
        nextActions: ['resend_sms_code', 'change_bank_card'],
        notice: { code: 'sms_code_expired' },
      });
      given(history)
        .when(verifySms('sms-hash-1', t('5m')))
        .thenThrows(CodeExpiredError);
      given(history)
        .when(command('ExpireSmsCode', { at: t('6m') }))
        .thenNothing();
      given(history)
        .when(command('ResendSmsCode', { at: t('6m'), codeHash: 'sms-hash-2' }))
        .then([
          event('SmsCodeIssued', {
            at: t('6m'),
            codeHash: 'sms-hash-2',
            expiresAt: t('11m'),
            resendableAt: t('7m'),
          }),
        ]);
    });

    it('refuses a resend within 60 seconds (resend_too_soon, 429, with retry-after)', () => {
      given(smsSent)
        .when(command('ResendSmsCode', { at: t('30s'), codeHash: 'sms-hash-2' }))
        .thenThrows(ResendTooSoonError, {
          code: 'resend_too_soon',
          status: 429,
          extras: { retryAfterSeconds: 30, resendableAt: t('60s') },
        });
    });

    it('replaces the code on resend: the old one no longer works, wrong entries still count', () => {
      const threeWrong = [...smsSent, smsRejected(4), smsRejected(3), smsRejected(2)];
      const { history } = given(threeWrong)
        .when(command('ResendSmsCode', { at: t('2m'), codeHash: 'sms-hash-2' }))
        .then([
          event('SmsCodeIssued', {
            at: t('2m'),
            codeHash: 'sms-hash-2',
            expiresAt: t('7m'),
            resendableAt: t('3m'),
          }),
        ]);
      given(history)
        .when(verifySms('sms-hash-1', t('3m')))
        .then([smsRejected(1, t('3m'))]);
      given([...history, smsRejected(1, t('3m'))])
        .when(verifySms('sms-hash-1', t('4m')))
        .then([smsRejected(0, t('4m')), event('SmsCodeAttemptsExhausted', { at: t('4m') })]);
      given(history)
        .when(verifySms('sms-hash-2', t('3m')))
        .then([
          event('SmsCodeVerified', { at: t('3m') }),
          event('Authenticated', { at: t('3m'), tier: 'limited', via: 'sms_code' }),
        ]);
    });

    it('caps the codes sent to an account per hour and per day, across resends and cards', () => {
      const resend = (at: string, n: number) =>
        event('SmsCodeIssued', {
          at,
          codeHash: `sms-hash-${n}`,
          expiresAt: addMs(at, 5 * 60_000),
          resendableAt: addMs(at, 60_000),
        });
      // Five codes within the hour (the first, then four resends a minute apart).
      const fiveThisHour = [...smsSent, ...[1, 2, 3, 4].map((n) => resend(t(`${n}m`), n + 1))];
      given(fiveThisHour)
        .when(command('ResendSmsCode', { at: t('10m'), codeHash: 'h' }))
        .thenThrows(SmsSendLimitError, {
          code: 'sms_limit_reached',
          status: 429,
          extras: { retryAfterSeconds: 50 * 60 },
        });
      given(fiveThisHour)
        .when(command('ResendSmsCode', { at: t('60m'), codeHash: 'h' }))
        .then([
          event('SmsCodeIssued', {
            at: t('60m'),
            codeHash: 'h',
            expiresAt: t('65m'),
            resendableAt: t('61m'),
          }),
        ]);
      // A new card and agreement do not start the count again.
      const newCard = [
        event('BankCardChanged', { at: t('11m') }),
        event('BankCardSubmitted', { at: t('11m'), card: OTHER_CARD }),
        event('BankCardMatched', { at: t('11m') }),
      ];
      given([...fiveThisHour, ...newCard])
        .when(command('AcceptAgreement', { at: t('12m'), codeHash: 'h' }))
        .thenThrows(SmsSendLimitError, { extras: { retryAfterSeconds: 48 * 60 } });
      // Ten within the day: the next waits until the first is a day old.
      const tenToday = [...fiveThisHour, ...[5, 6, 7, 8, 9].map((n) => resend(t(`${n}h`), n + 1))];
      given(tenToday)
        .when(command('ResendSmsCode', { at: t('20h'), codeHash: 'h' }))
        .thenThrows(SmsSendLimitError, { extras: { retryAfterSeconds: 4 * 3600 } });
    });

    it('ignores the expiry timer of a code since replaced', () => {
      const resent = [
        ...smsSent,
        event('SmsCodeIssued', {
          at: t('2m'),
          codeHash: 'sms-hash-2',
          expiresAt: t('7m'),
          resendableAt: t('3m'),
        }),
      ];
      given(resent)
        .when(command('ExpireSmsCode', { at: t('5m') }))
        .thenNothing();
      given(authenticatedLimited)
        .when(command('ExpireSmsCode', { at: t('5m') }))
        .thenNothing();
    });
  });

  describe('payment password', () => {
    it('counts a wrong password', () => {
      given(started)
        .when(wrongPassword())
        .then([event('PaymentPasswordRejected', { at: T0, attemptsLeft: 4 })]);
    });

    it('locks identity submission for 3 hours on the fifth wrong password in a row', () => {
      const { state } = given(fourWrongPasswords)
        .when(wrongPassword())
        .then([
          event('PaymentPasswordRejected', { at: T0, attemptsLeft: 0 }),
          event('IdentitySubmissionLocked', { at: T0, until: t('3h') }),
        ]);
      expect(toStatus(state)).toMatchObject({
        state: 'locked',
        nextActions: [],
        deadlines: { identityLockedUntil: t('3h') },
      });
    });

    it('refuses a submission while locked (locked, 423, with retry-after)', () => {
      given(locked)
        .when(submitIdentity(t('1h')))
        .thenThrows(IdentitySubmissionLockedError, {
          code: 'locked',
          status: 423,
          extras: { lockedUntil: t('3h'), retryAfterSeconds: 7200 },
        });
    });

    it('tells before any password is checked whether the state takes a submission', () => {
      const allowed = (history: VerificationEvent[], at: string) => () =>
        assertIdentitySubmissionAllowed(
          verificationDecider,
          history.reduce(evolve, initialState()),
          at,
        );
      // Locked, whatever the password: refused with the lock, before it is looked at.
      expect(allowed(locked, t('1h'))).toThrow(IdentitySubmissionLockedError);
      expect(allowed([], T0)).toThrow(WrongStateError);
      expect(allowed(cardRequired, T0)).toThrow(IdentityAlreadyConfirmedError);
      expect(allowed(identitySubmitted, T0)).toThrow(WrongStateError);
      // A lock that has run out, and the states where a wrong password is counted.
      expect(allowed(locked, t('3h'))).not.toThrow();
      for (const history of [started, identityMismatched, occupiedByAuthenticated, appealDenied]) {
        expect(allowed(history, t('3d'))).not.toThrow();
      }
    });

    it('unlocks after 3 hours, with a fresh count', () => {
      const { state, history } = given(locked)
        .when(command('UnlockIdentitySubmission', { at: t('3h') }))
        .then([event('IdentitySubmissionUnlocked', { at: t('3h') })]);
      expect(toStatus(state)).toMatchObject({
        state: 'identity_pending',
        nextActions: ['submit_identity'],
      });
      given(history)
        .when(wrongPassword(t('3h')))
        .then([event('PaymentPasswordRejected', { at: t('3h'), attemptsLeft: 4 })]);
    });

    it('lets a submission through at the end of the lock even before its timer fires', () => {
      given(locked)
        .when(submitIdentity(t('3h 1s')))
        .then([
          event('IdentitySubmissionUnlocked', { at: t('3h 1s') }),
          event('IdentitySubmitted', { at: t('3h 1s'), identity: IDENTITY }),
        ]);
    });

    it('ignores an early or stale unlock timer', () => {
      given(locked)
        .when(command('UnlockIdentitySubmission', { at: t('2h') }))
        .thenNothing();
      given(started)
        .when(command('UnlockIdentitySubmission', { at: t('3h') }))
        .thenNothing();
    });

    it('starts the count again after an accepted submission', () => {
      given([...fourWrongPasswords, ...identityMismatched.slice(1)])
        .when(wrongPassword(t('1m')))
        .then([event('PaymentPasswordRejected', { at: t('1m'), attemptsLeft: 4 })]);
    });

    const identitySteps: [VerificationStatus, VerificationEvent[]][] = [
      ['identity_mismatch', identityMismatched],
      ['manual_review_rejected', reviewRejected],
      ['identity_occupied', occupiedByAuthenticated],
      ['appeal_denied', appealDenied],
      ['identity_verified', identityVerified],
    ];

    it.each(identitySteps)(
      'in %s: a wrong password stays, the right one resubmits',
      (status, h) => {
        const { state } = given(h)
          .when(wrongPassword(t('3d')))
          .then([event('PaymentPasswordRejected', { at: t('3d'), attemptsLeft: 4 })]);
        expect(state.status).toBe(status);
        given(h)
          .when(submitIdentity(t('3d'), OTHER_IDENTITY))
          .then([event('IdentitySubmitted', { at: t('3d'), identity: OTHER_IDENTITY })]);
      },
    );

    it.each(identitySteps)('in %s: the lock remembers the step and returns to it', (status, h) => {
      const fourWrong = [
        ...h,
        ...[4, 3, 2, 1].map((left) =>
          event('PaymentPasswordRejected', { at: t('3d'), attemptsLeft: left }),
        ),
      ];
      const { history } = given(fourWrong)
        .when(wrongPassword(t('3d')))
        .then([
          event('PaymentPasswordRejected', { at: t('3d'), attemptsLeft: 0 }),
          event('IdentitySubmissionLocked', { at: t('3d'), until: t('3d 3h') }),
        ]);
      const { state } = given(history)
        .when(command('UnlockIdentitySubmission', { at: t('3d 3h') }))
        .then([event('IdentitySubmissionUnlocked', { at: t('3d 3h') })]);
      expect(state).toMatchObject({ status, passwordFailures: 0 });
    });

    it('refuses every other step while locked with the lock error', () => {
      const lockedVerified = [
        ...identityVerified,
        ...[4, 3, 2, 1, 0].map((left) =>
          event('PaymentPasswordRejected', { at: T0, attemptsLeft: left }),
        ),
        event('IdentitySubmissionLocked', { at: T0, until: t('3h') }),
      ];
      given(lockedVerified)
        .when(command('ConfirmIdentity', { at: t('1h') }))
        .thenThrows(IdentitySubmissionLockedError);
    });

    it('a locked holder still loses its identity, and gains associated accounts, staying locked', () => {
      const lockedVerified = [
        ...identityVerified,
        ...[4, 3, 2, 1, 0].map((left) =>
          event('PaymentPasswordRejected', { at: T0, attemptsLeft: left }),
        ),
        event('IdentitySubmissionLocked', { at: T0, until: t('3h') }),
      ];
      given(lockedVerified)
        .when(command('AcceptAssociatedAccount', { at: t('1h'), accountId: OTHER_ACCOUNT }))
        .then([event('AssociatedAccountAccepted', { at: t('1h'), accountId: OTHER_ACCOUNT })]);
      const { state, history } = given(lockedVerified)
        .when(revoke('claimed_by_owner', IDENTITY.registryId, t('1h')))
        .then([
          event('IdentityRevoked', {
            at: t('1h'),
            registryId: IDENTITY.registryId,
            reason: 'claimed_by_owner',
            byAccountId: OTHER_ACCOUNT,
            notice: { code: 'identity_revoked_claimed_by_owner' },
          }),
        ]);
      expect(state.status).toBe('locked');
      const unlocked = given(history)
        .when(command('UnlockIdentitySubmission', { at: t('3h') }))
        .then([event('IdentitySubmissionUnlocked', { at: t('3h') })]);
      expect(unlocked.state).toMatchObject({ status: 'identity_pending', awaiting: 'submission' });
    });
  });

  describe('journey: limited → ID photos later → full', () => {
    const checking = [
      ...authenticatedLimited,
      event('IdDocumentsSubmitted', { at: t('1d'), frontId: 'img-front', backId: 'img-back' }),
    ];

    it('takes the photos after authentication', () => {
      given(authenticatedLimited)
        .when(
          command('SubmitIdDocuments', { at: t('1d'), frontId: 'img-front', backId: 'img-back' }),
        )
        .then([
          event('IdDocumentsSubmitted', { at: t('1d'), frontId: 'img-front', backId: 'img-back' }),
        ]);
    });

    it('upgrades to the full tier when they are accepted', () => {
      const { state, history } = given(checking)
        .when(command('RecordDocumentCheck', { at: t('1d'), accepted: true }))
        .then([
          event('IdDocumentsAccepted', { at: t('1d') }),
          event('TierUpgraded', { at: t('1d'), tier: 'full' }),
        ]);
      expect(toStatus(state)).toMatchObject({ authenticated: true, tier: 'full' });
      given(history)
        .when(command('SubmitIdDocuments', { at: t('2d'), frontId: 'a', backId: 'b' }))
        .thenThrows(WrongStateError);
    });

    it('stays limited when they are rejected', () => {
      const { state } = given(checking)
        .when(
          command('RecordDocumentCheck', { at: t('1d'), accepted: false, reason: 'unreadable' }),
        )
        .then([event('IdDocumentsRejected', { at: t('1d'), reason: 'unreadable' })]);
      expect(toStatus(state)).toMatchObject({
        tier: 'limited',
        nextActions: ['upload_id_documents', 'associate_account'],
        notice: { code: 'id_documents_rejected' },
      });
    });
  });

  describe('association of another account', () => {
    const associate = (mainAccountId = MAIN, at = t('1h')) =>
      command('AssociateAccount', { at, mainAccountId });

    it.each([
      ['not_started', []],
      ['identity_pending', started],
      ['identity_mismatch', identityMismatched],
      ['manual_review_rejected', reviewRejected],
      ['identity_occupied', occupiedByAuthenticated],
      ['appeal_denied', appealDenied],
    ])('associates an account in %s with its main account', (_status, history) => {
      const { state } = given(history as VerificationEvent[])
        .when(associate())
        .then([
          event('AccountAssociated', { at: t('1h'), mainAccountId: MAIN, via: 'main_account' }),
        ]);
      expect(toStatus(state)).toMatchObject({ state: 'associated', mainAccountId: MAIN });
    });

    it('does nothing when repeated, and refuses another main account', () => {
      const associated = [
        event('AccountAssociated', { at: T0, mainAccountId: MAIN, via: 'main_account' }),
      ];
      given(associated).when(associate()).thenNothing();
      given(associated).when(associate('acct-else')).thenThrows(WrongStateError);
    });

    it('refuses an account that holds an identity or is being checked', () => {
      given(identitySubmitted).when(associate()).thenThrows(WrongStateError);
      given(identityVerified).when(associate()).thenThrows(WrongStateError);
      given(authenticatedLimited).when(associate()).thenThrows(WrongStateError);
    });

    it('the main account records the association', () => {
      given(authenticatedLimited)
        .when(command('AcceptAssociatedAccount', { at: t('1h'), accountId: OTHER_ACCOUNT }))
        .then([event('AssociatedAccountAccepted', { at: t('1h'), accountId: OTHER_ACCOUNT })]);
    });
  });

  describe('journey: authority unavailable → retried with back-off → completes', () => {
    it('retries after 30 s, then 60 s, then matches', () => {
      let h = given(identitySubmitted)
        .when(identityCheck('unavailable'))
        .then([event('IdentityCheckDeferred', { at: T0, attempt: 1, retryAt: t('30s') })]).history;
      expect(toStatus(given(h).state)).toMatchObject({
        state: 'identity_pending',
        identityCheck: 'retrying',
        nextActions: [],
        deadlines: { identityCheckRetryAt: t('30s') },
      });
      h = given(h)
        .when(command('RetryIdentityCheck', { at: t('30s') }))
        .then([event('IdentityCheckRetried', { at: t('30s'), attempt: 2 })]).history;
      expect(toStatus(given(h).state).identityCheck).toBe('in_progress');
      h = given(h)
        .when(identityCheck('unavailable', t('31s')))
        .then([
          event('IdentityCheckDeferred', { at: t('31s'), attempt: 2, retryAt: t('91s') }),
        ]).history;
      h = given(h)
        .when(command('RetryIdentityCheck', { at: t('91s') }))
        .then([event('IdentityCheckRetried', { at: t('91s'), attempt: 3 })]).history;
      const { state } = given(h)
        .when(identityCheck('match', t('92s')))
        .then([event('IdentityVerified', { at: t('92s') })]);
      expect(state.status).toBe('identity_verified');
    });

    it('caps the back-off at 30 minutes', () => {
      const h = [
        ...identitySubmitted,
        event('IdentityCheckDeferred', { at: T0, attempt: 9, retryAt: t('1h') }),
        event('IdentityCheckRetried', { at: t('1h'), attempt: 10 }),
      ];
      given(h)
        .when(identityCheck('unavailable', t('1h')))
        .then([event('IdentityCheckDeferred', { at: t('1h'), attempt: 10, retryAt: t('90m') })]);
    });

    it('ignores an early retry, a result while a retry is scheduled, and a stale retry', () => {
      const deferred = [
        ...identitySubmitted,
        event('IdentityCheckDeferred', { at: T0, attempt: 1, retryAt: t('30s') }),
      ];
      given(deferred)
        .when(command('RetryIdentityCheck', { at: t('10s') }))
        .thenNothing();
      given(deferred)
        .when(identityCheck('match', t('10s')))
        .thenNothing();
      given(identityVerified)
        .when(command('RetryIdentityCheck', { at: t('30s') }))
        .thenNothing();
      given(identitySubmitted)
        .when(command('RetryIdentityCheck', { at: t('30s') }))
        .thenNothing();
    });

    it('ignores a repeated authority result', () => {
      given(identityVerified).when(identityCheck('mismatch')).thenNothing();
    });
  });

  describe('steps outside the table', () => {
    const at = t('20d');
    const samples: { [T in VerificationCommandType]: CommandOfType<T> } = {
      StartVerification: start(at),
      SubmitIdentity: submitIdentity(at, OTHER_IDENTITY),
      RecordIdentityCheck: identityCheck('match', at),
      RetryIdentityCheck: command('RetryIdentityCheck', { at }),
      UnlockIdentitySubmission: command('UnlockIdentitySubmission', { at }),
      RequestManualReview: command('RequestManualReview', {
        at,
        caseId: 'case-x',
        documentIds: ['a', 'b'],
      }),
      RequestReupload: command('RequestReupload', {
        at,
        caseId: 'case-x',
        documentKind: 'id_card_front',
        userMessage: 'again',
      }),
      ProvideReupload: command('ProvideReupload', { at, documentIds: ['a'] }),
      DecideManualReview: command('DecideManualReview', { at, caseId: 'case-x', approved: true }),
      DecideOccupancy: command('DecideOccupancy', { at, decision: 'mine' }),
      FileAppeal: command('FileAppeal', {
        at,
        caseId: 'case-x',
        documentIds: ['a', 'b'],
        dueAt: t('25d'),
      }),
      DecideAppeal: command('DecideAppeal', { at, caseId: 'case-x', upheld: true }),
      ConfirmAppealDeadline: command('ConfirmAppealDeadline', {
        at,
        caseId: 'case-x',
        dueAt: t('25d'),
      }),
      ConfirmIdentity: command('ConfirmIdentity', { at }),
      DeferConfirmation: command('DeferConfirmation', { at }),
      SubmitIdDocuments: command('SubmitIdDocuments', { at, frontId: 'f', backId: 'b' }),
      RecordDocumentCheck: command('RecordDocumentCheck', { at, accepted: true }),
      SkipIdDocuments: command('SkipIdDocuments', { at }),
      SubmitBankCard: command('SubmitBankCard', { at, card: OTHER_CARD }),
      RecordBankCheck: bankCheck('match', true, at),
      AcceptAgreement: command('AcceptAgreement', { at, codeHash: 'h' }),
      VerifySmsCode: verifySms('h', at),
      ResendSmsCode: command('ResendSmsCode', { at, codeHash: 'h' }),
      ExpireSmsCode: command('ExpireSmsCode', { at }),
      RequestMicroDeposit: command('RequestMicroDeposit', { at, depositId: 'd', amountHash: 'h' }),
      RecordDepositSettled: command('RecordDepositSettled', { at, depositId: 'd' }),
      RecordDepositFailed: command('RecordDepositFailed', { at, depositId: 'd', reason: 'x' }),
      ConfirmMicroDeposit: confirmAmount('h', at),
      ExpireMicroDeposit: command('ExpireMicroDeposit', { at }),
      ChangeBankCard: command('ChangeBankCard', { at }),
      AssociateAccount: command('AssociateAccount', { at, mainAccountId: MAIN }),
      AcceptAssociatedAccount: command('AcceptAssociatedAccount', { at, accountId: 'x' }),
      RevokeIdentity: revoke('appeal_upheld', IDENTITY.registryId, at),
    };
    const lockedLongAgo = [
      ...started,
      ...[4, 3, 2, 1, 0].map((left) =>
        event('PaymentPasswordRejected', { at: T0, attemptsLeft: left }),
      ),
      event('IdentitySubmissionLocked', { at: T0, until: t('30d') }),
    ];
    const histories: { [S in VerificationStatus]: VerificationEvent[] } = {
      not_started: [],
      identity_pending: identitySubmitted,
      identity_mismatch: identityMismatched,
      manual_review_pending: reviewPending,
      manual_review_rejected: reviewRejected,
      identity_occupied: occupiedByAuthenticated,
      appeal_pending: appealPending,
      appeal_denied: appealDenied,
      identity_verified: identityVerified,
      identity_confirmed: identityConfirmed,
      bank_card_required: cardRequired,
      bank_card_mismatch: cardMismatch,
      sms_pending: smsSent,
      micro_deposit_pending: depositPending,
      micro_deposit_settled: depositSettled,
      authenticated: authenticatedLimited,
      associated: [event('AccountAssociated', { at: T0, mainAccountId: MAIN, via: 'occupancy' })],
      locked: lockedLongAgo,
    };
    const cases = VERIFICATION_STATUSES.flatMap((status) =>
      VERIFICATION_COMMAND_TYPES.filter((type) => !findTransition(status, type)).map(
        (type) => [status, type] as const,
      ),
    );

    it.each(cases)(
      'in %s, %s is refused, or ignored when it is a timer, result or reaction',
      (status, type) => {
        const state = given(histories[status]).state;
        expect(state.status).toBe(status);
        const run = () => decide(samples[type] as VerificationCommand, state);
        if (isTolerant(type)) {
          expect(run()).toEqual([]);
          return;
        }
        let error: unknown;
        try {
          run();
        } catch (thrown) {
          error = thrown;
        }
        const expected =
          status === 'locked'
            ? IdentitySubmissionLockedError
            : type === 'SubmitIdentity' &&
                [
                  'identity_confirmed',
                  'bank_card_required',
                  'bank_card_mismatch',
                  'sms_pending',
                  'micro_deposit_pending',
                  'micro_deposit_settled',
                  'authenticated',
                ].includes(status)
              ? IdentityAlreadyConfirmedError
              : WrongStateError;
        expect(error).toBeInstanceOf(expected);
        expect(COMMAND_SOURCES[type]).toMatch(/^(user|staff)$/);
      },
    );
  });

  describe('the decider', () => {
    it('is deterministic: the same history and command always give the same events', () => {
      const decider = createVerificationDecider();
      const state = smsSent.reduce(decider.evolve, decider.initialState());
      const cmd = verifySms('sms-hash-1');
      expect(decider.decide(cmd, state)).toEqual(decider.decide(cmd, state));
    });

    it('uses the numbers of the policy it is given', () => {
      const policy = {
        ...DEFAULT_VERIFICATION_POLICY,
        smsCode: {
          ...DEFAULT_VERIFICATION_POLICY.smsCode,
          ttlMs: 120_000,
          resendCooldownMs: 30_000,
          maxWrongAttempts: 2,
        },
      };
      given(cardMatched, policy)
        .when(command('AcceptAgreement', { at: T0, codeHash: 'h' }))
        .then([
          event('AgreementAccepted', { at: T0 }),
          event('SmsCodeIssued', {
            at: T0,
            codeHash: 'h',
            expiresAt: t('2m'),
            resendableAt: t('30s'),
          }),
        ]);
      given([...smsSent, smsRejected(1)], policy)
        .when(verifySms('x'))
        .then([smsRejected(0), event('SmsCodeAttemptsExhausted', { at: t('1m') })]);
    });

    it('refuses a policy with unusable numbers', () => {
      expect(() =>
        createVerificationDecider({
          ...DEFAULT_VERIFICATION_POLICY,
          smsCode: { ...DEFAULT_VERIFICATION_POLICY.smsCode, ttlMs: 0, resendCooldownMs: 0 },
        }),
      ).toThrow(RangeError);
    });

    it('refuses a command without a valid instant', () => {
      expect(() =>
        decide(command('StartVerification', { at: 'soon', region: 'mainland' }), initialState()),
      ).toThrow(TypeError);
    });

    it('leaves the state as it is for an event that does not fit it', () => {
      const state = initialState();
      expect(evolve(state, event('SmsCodeVerified', { at: T0 }))).toBe(state);
      expect(evolve(state, event('IdentityVerified', { at: T0 }))).toBe(state);
    });
  });

  // Runs last: the specs above must have exercised the whole transition table.
  describe('transition table coverage', () => {
    it('every step the decider took is a row of the table', () => {
      // The lock ending on a user's step: an unlock, then the step, each in its row.
      const decided = observed().filter((o) => o.events[0] !== 'IdentitySubmissionUnlocked');
      expect(decisionsOutside(VERIFICATION_TRANSITIONS, decided)).toEqual([]);
    });

    it('every row, every target state and every event of the table was exercised', () => {
      expect(unexercised(VERIFICATION_TRANSITIONS, observed())).toEqual([]);
    });

    it('names the states an identity is submitted in, and an account associated in, as the lists do', () => {
      const from = (command: string) =>
        VERIFICATION_TRANSITIONS.filter((row) => row.command === command)
          .map((row) => row.from)
          .sort();
      expect(from('SubmitIdentity')).toEqual([...UNLOCKABLE_STATUSES].sort());
      expect(from('AssociateAccount')).toEqual([...ASSOCIABLE_STATUSES, 'associated'].sort());
      expect(findTransition('locked', 'UnlockIdentitySubmission')?.to).toEqual(UNLOCKABLE_STATUSES);
    });
  });
});

function addMs(at: string, ms: number): string {
  return new Date(Date.parse(at) + ms).toISOString();
}
