import {
  Inject,
  Module,
  type OnApplicationBootstrap,
  type OnModuleInit,
  type Provider,
} from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@shiming/common';
import { EventTypeRegistry, SubscriptionRegistry } from '@shiming/event-store';
import { VerificationCases } from './cases/verification-cases';
import { AcceptAgreementHandler } from './commands/accept-agreement/accept-agreement.handler';
import { AssociateAccountHandler } from './commands/associate-account/associate-account.handler';
import { ChangeBankCardHandler } from './commands/change-bank-card/change-bank-card.handler';
import { ConfirmIdentityHandler } from './commands/confirm-identity/confirm-identity.handler';
import { ConfirmMicroDepositHandler } from './commands/confirm-micro-deposit/confirm-micro-deposit.handler';
import { DecideOccupancyHandler } from './commands/decide-occupancy/decide-occupancy.handler';
import { DeferConfirmationHandler } from './commands/defer-confirmation/defer-confirmation.handler';
import { ConfirmAppealDeadlines } from './commands/confirm-appeal-deadlines/confirm-appeal-deadlines.service';
import { FileAppealHandler } from './commands/file-appeal/file-appeal.handler';
import { RequestManualReviewHandler } from './commands/request-manual-review/request-manual-review.handler';
import { RequestMicroDepositHandler } from './commands/request-micro-deposit/request-micro-deposit.handler';
import { ResendSmsCodeHandler } from './commands/resend-sms-code/resend-sms-code.handler';
import { SkipIdDocumentsHandler } from './commands/skip-id-documents/skip-id-documents.handler';
import { StartVerificationHandler } from './commands/start-verification/start-verification.handler';
import { StatusAnswers } from './commands/status-answers';
import { SubmitBankCardHandler } from './commands/submit-bank-card/submit-bank-card.handler';
import { SubmitIdDocumentsHandler } from './commands/submit-id-documents/submit-id-documents.handler';
import { SubmitIdentityHandler } from './commands/submit-identity/submit-identity.handler';
import { UserSteps } from './commands/user-steps';
import { VerifySmsCodeHandler } from './commands/verify-sms-code/verify-sms-code.handler';
import {
  createVerificationDecider,
  DEFAULT_VERIFICATION_POLICY,
  VERIFICATION_EVENT_DEFINITIONS,
  type VerificationPolicy,
} from './domain';
import { IDENTITY_REGISTRY_EVENT_DEFINITIONS } from './domain';
import { IdentityRegistry } from './infrastructure/identity-registry.repository';
import { OutsideCallsRepository } from './infrastructure/outside-calls.repository';
import { OutsideCallGauges } from './infrastructure/outside-call.gauges';
import { IdentityErasure } from './infrastructure/identity-erasure';
import { IdentityLookup } from './infrastructure/identity-lookup.repository';
import { IdentityMobiles } from './infrastructure/identity-mobiles.repository';
import { OutsideCallOpener } from './infrastructure/outside-call.opener';
import { MobileSmsQuota } from './infrastructure/mobile-sms-quota';
import { PersonalData } from './infrastructure/personal-data';
import { SmsCodes } from './infrastructure/sms-codes';
import { VerificationAccounts } from './infrastructure/verification-accounts';
import { VerificationCommandExecutor } from './infrastructure/verification-command.executor';
import { VerificationDocuments } from './infrastructure/verification-documents';
import { VerificationStatusRepository } from './infrastructure/verification-status.repository';
import { CaseRequestsRepository } from './infrastructure/case-requests.repository';
import { VerificationReadModels } from './infrastructure/verification-read-models';
import { IdentityMobilesProjection } from './projections/identity-mobiles.projection';
import { VerificationStatusProjection } from './projections/verification-status.projection';
import { GetStatusEtagHandler } from './queries/get-status-etag/get-status-etag.handler';
import { GetStatusHandler } from './queries/get-status/get-status.handler';
import { CrossAccountProcessManager } from './reactions/cross-account.process-manager';
import { BankCheckCall } from './outside-calls/bank-check.call';
import { DocumentCheckCall } from './outside-calls/document-check.call';
import { IdentityCheckCall } from './outside-calls/identity-check.call';
import { OutsideCallRegistry } from './outside-calls/outside-call.registry';
import { OutsideCallRunner } from './outside-calls/outside-call.runner';
import { OutsideCallSweeper } from './outside-calls/outside-call.sweeper';
import { PayoutCall } from './outside-calls/payout.call';
import { SmsCall } from './outside-calls/sms.call';
import { OutsideCallsProcessManager } from './reactions/outside-calls.process-manager';
import { VerificationTimerHandlers } from './timers/verification-timer.handlers';
import { VERIFICATION_DECIDER, VERIFICATION_POLICY } from './verification.tokens';

const policy: Provider[] = [
  // DESIGN §1's numbers, as configured.
  {
    provide: VERIFICATION_POLICY,
    inject: [APP_CONFIG],
    useFactory: (config: AppConfig): VerificationPolicy => policyFromConfig(config),
  },
  {
    provide: VERIFICATION_DECIDER,
    inject: [VERIFICATION_POLICY],
    useFactory: (verificationPolicy: VerificationPolicy) =>
      createVerificationDecider(verificationPolicy),
  },
];

function policyFromConfig({ verification: v }: AppConfig): VerificationPolicy {
  const defaults = DEFAULT_VERIFICATION_POLICY;
  return {
    paymentPassword: {
      maxConsecutiveFailures: v.paymentPasswordMaxFailures,
      lockMs: v.paymentPasswordLockMs,
    },
    identityCheckRetry: {
      ...defaults.identityCheckRetry,
      initialDelayMs: v.identityCheckRetryInitialMs,
      maxDelayMs: v.identityCheckRetryMaxMs,
    },
    certificates: defaults.certificates,
    manualReview: { slaMs: v.manualReviewSlaMs },
    appeal: { slaWorkingDays: v.appealSlaWorkingDays },
    smsCode: {
      ttlMs: v.smsCodeTtlMs,
      resendCooldownMs: v.smsCodeResendCooldownMs,
      maxWrongAttempts: v.smsCodeMaxAttempts,
      maxSendsPerHour: v.smsCodeMaxPerHour,
      maxSendsPerDay: v.smsCodeMaxPerDay,
    },
    microDeposit: {
      confirmationWindowMs: v.microDepositWindowMs,
      maxWrongAttempts: v.microDepositMaxAttempts,
      maxRequests: v.microDepositMaxRequests,
    },
  };
}

const infrastructure = [
  PersonalData,
  MobileSmsQuota,
  IdentityLookup,
  IdentityMobiles,
  IdentityErasure,
  SmsCodes,
  VerificationAccounts,
  VerificationDocuments,
  IdentityRegistry,
  OutsideCallsRepository,
  OutsideCallOpener,
  VerificationStatusRepository,
  CaseRequestsRepository,
  VerificationReadModels,
  VerificationCommandExecutor,
  OutsideCallGauges,
];

const commandHandlers = [
  StartVerificationHandler,
  SubmitIdentityHandler,
  RequestManualReviewHandler,
  DecideOccupancyHandler,
  FileAppealHandler,
  ConfirmIdentityHandler,
  DeferConfirmationHandler,
  SubmitIdDocumentsHandler,
  SkipIdDocumentsHandler,
  SubmitBankCardHandler,
  AcceptAgreementHandler,
  VerifySmsCodeHandler,
  ResendSmsCodeHandler,
  RequestMicroDepositHandler,
  ConfirmMicroDepositHandler,
  ChangeBankCardHandler,
  AssociateAccountHandler,
];

const queryHandlers = [GetStatusHandler, GetStatusEtagHandler];

// Run at boot by the worker: the calendar's data is read once, at boot.
const deadlines = [ConfirmAppealDeadlines];

const projections = [VerificationStatusProjection, IdentityMobilesProjection];

// One handler per kind of outside call, checked at boot (every kind has one).
const outsideCalls = [
  OutsideCallRegistry,
  OutsideCallRunner,
  OutsideCallSweeper,
  IdentityCheckCall,
  BankCheckCall,
  DocumentCheckCall,
  PayoutCall,
  SmsCall,
];

// Process managers and the timer handlers.
const processors = [
  OutsideCallsProcessManager,
  CrossAccountProcessManager,
  VerificationTimerHandlers,
];

/**
 * The real-name verification process: commands over one stream per account, the
 * identity registry, outside calls, timers and the status read model. Imported by the
 * api and the worker alike; subscriptions run only where the engine runs workers.
 */
@Module({
  providers: [
    ...policy,
    ...infrastructure,
    UserSteps,
    StatusAnswers,
    ...commandHandlers,
    ...queryHandlers,
    ...deadlines,
    ...projections,
    ...outsideCalls,
    ...processors,
    VerificationCases,
  ],
  exports: [VERIFICATION_POLICY, VerificationCases, ConfirmAppealDeadlines],
})
export class VerificationModule implements OnModuleInit, OnApplicationBootstrap {
  constructor(
    private readonly eventTypes: EventTypeRegistry,
    private readonly subscriptions: SubscriptionRegistry,
    private readonly statusProjection: VerificationStatusProjection,
    private readonly mobilesProjection: IdentityMobilesProjection,
    private readonly outsideCalls: OutsideCallsProcessManager,
    private readonly crossAccount: CrossAccountProcessManager,
    private readonly outsideCallHandlers: OutsideCallRegistry,
    @Inject(VERIFICATION_POLICY) readonly policy: VerificationPolicy,
  ) {}

  onModuleInit(): void {
    this.eventTypes.register(
      ...VERIFICATION_EVENT_DEFINITIONS,
      ...IDENTITY_REGISTRY_EVENT_DEFINITIONS,
    );
    this.subscriptions.register(
      this.statusProjection,
      this.mobilesProjection,
      this.outsideCalls,
      this.crossAccount,
    );
  }

  // Every handler registered itself in its own onModuleInit, which all ran before this.
  onApplicationBootstrap(): void {
    this.outsideCallHandlers.assertComplete();
  }
}
