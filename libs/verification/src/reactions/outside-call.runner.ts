import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { RecordedEvent } from '@shiming/event-store';
import {
  AuthorityUnavailableError,
  BANK_CARD_CHECK,
  DepositConflictError,
  DOCUMENT_CHECK,
  DOCUMENT_STORAGE,
  IDENTITY_AUTHORITY,
  PAYOUT,
  SMS_GATEWAY,
  type BankCardCheck,
  type DocumentCheck,
  type DocumentStorage,
  type IdentityAuthority,
  type Payout,
  type SmsGateway,
} from '@shiming/integrations';
import { CLOCK, eventIdFor, TimerScheduler, type Clock } from '@shiming/workflow';
import type {
  HolderStatus,
  VerificationCommand,
  VerificationEvent,
  VerificationState,
} from '../domain';
import { IdentityRegistry } from '../infrastructure/identity-registry.repository';
import {
  OutsideCallsRepository,
  type OutsideCall,
} from '../infrastructure/outside-calls.repository';
import { PersonalData } from '../infrastructure/personal-data';
import { VerificationAccounts, type LoadedAccount } from '../infrastructure/verification-accounts';
import {
  VerificationCommandExecutor,
  type StepContext,
} from '../infrastructure/verification-command.executor';
import { verificationStreamId } from '../verification.streams';

/** The timer that settles a micro-deposit when the bank says it has arrived. */
export const DEPOSIT_SETTLEMENT_TIMER = 'micro_deposit_settlement';

/** How long one maker of a call holds it before another may take it over. */
export const OUTSIDE_CALL_LEASE_MS = 15_000;

/** Failed attempts after which a call is given up and left to an operator. */
const MAX_CALL_ATTEMPTS = 8;

const POLL_MS = 50;

export function smsText(code: string): string {
  return `Shiming real-name verification code: ${code}. It is valid for 5 minutes; never share it.`;
}

type CallResult = 'done' | 'pending';

/**
 * Makes the outside calls that events ask for and records their answers as commands,
 * exactly once in the normal case: whoever claims the call (the request right after
 * its command committed, or the process manager reading the log) makes it. A call
 * whose event the account has moved past is completed without being made.
 */
@Injectable()
export class OutsideCallRunner {
  private readonly logger = new Logger(OutsideCallRunner.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly calls: OutsideCallsRepository,
    private readonly accounts: VerificationAccounts,
    private readonly executor: VerificationCommandExecutor,
    private readonly registry: IdentityRegistry,
    private readonly personalData: PersonalData,
    private readonly scheduler: TimerScheduler,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDENTITY_AUTHORITY) private readonly authority: IdentityAuthority,
    @Inject(BANK_CARD_CHECK) private readonly bank: BankCardCheck,
    @Inject(DOCUMENT_CHECK) private readonly documentCheck: DocumentCheck,
    @Inject(DOCUMENT_STORAGE) private readonly documents: DocumentStorage,
    @Inject(PAYOUT) private readonly payout: Payout,
    @Inject(SMS_GATEWAY) private readonly sms: SmsGateway,
  ) {}

  /**
   * Makes the call if nobody else holds it, or waits up to `waitMs` for whoever does.
   * Throws when the call failed (it stays open for a later attempt).
   */
  async run(callId: string, waitMs: number): Promise<CallResult> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const claimed = await this.calls.claim(callId, OUTSIDE_CALL_LEASE_MS);
      if (claimed) {
        await this.perform(claimed);
        return 'done';
      }
      const call = await this.calls.find(callId);
      if (!call || call.done) return 'done';
      if (Date.now() >= deadline) return 'pending';
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  /** The request's fast path: every call, and those their answers ask for, now. */
  async runNow(callIds: readonly string[], waitMs: number): Promise<void> {
    for (const callId of callIds) {
      try {
        await this.run(callId, waitMs);
      } catch (error) {
        // The call stays open: the process manager makes it again from the log.
        this.logger.warn(
          `Outside call ${callId} failed; left to the process manager: ${describe(error)}`,
        );
      }
    }
  }

  private async perform(call: OutsideCall): Promise<void> {
    try {
      const account = await this.accounts.load(call.accountId);
      const event = account.events.find((e) => e.eventId === call.eventId);
      if (!event) throw new Error(`Event ${call.eventId} of call ${call.callId} is not stored`);
      switch (call.kind) {
        case 'identity_check':
          await this.checkIdentity(call, account, event);
          break;
        case 'bank_check':
          await this.checkBankCard(call, account, event);
          break;
        case 'document_check':
          await this.checkDocuments(call, account, event);
          break;
        case 'payout':
          await this.sendDeposit(call, account, event);
          return;
        case 'sms':
          await this.sendSms(call, account, event);
          break;
      }
      await this.calls.complete(call.callId);
    } catch (error) {
      if (call.attempts >= MAX_CALL_ATTEMPTS) {
        this.logger.error(
          `Outside call ${call.callId} abandoned after ${call.attempts} attempts: ${describe(error)}`,
        );
        await this.calls.abandon(call.callId, describe(error));
        return;
      }
      await this.calls.release(call.callId, describe(error));
      throw error;
    }
  }

  // ── identity authority ───────────────────────────────────────────────────────────

  private async checkIdentity(call: OutsideCall, account: LoadedAccount, event: RecordedEvent) {
    const { state } = account;
    const awaited =
      state.status === 'identity_pending' &&
      state.awaiting === 'authority' &&
      state.check.retryAt === undefined &&
      isLatest(account.events, event, IDENTITY_CHECK_EVENTS);
    if (!awaited) return;
    const identity = await this.personalData.revealIdentity(state.identity);
    let outcome: 'match' | 'mismatch' | 'unavailable';
    try {
      outcome = await this.authority.check(identity);
    } catch (error) {
      // Whatever went wrong on the authority's side, the decider retries with back-off.
      if (!(error instanceof AuthorityUnavailableError)) {
        this.logger.warn(`Identity authority failed, retrying later: ${describe(error)}`);
      }
      outcome = 'unavailable';
    }
    const { registryId } = state.identity;
    await this.executor.execute(
      call.accountId,
      // Who holds the identity is read again whenever the registry changed under us.
      async () => ({
        type: 'RecordIdentityCheck',
        data: {
          at: this.now(),
          outcome,
          ...(outcome === 'match' ? await this.occupancy(registryId, call.accountId) : {}),
        },
      }),
      this.context(call, 'identity-authority'),
    );
  }

  private async occupancy(
    registryId: string,
    accountId: string,
  ): Promise<{ occupiedBy?: { accountId: string; holderStatus: HolderStatus } }> {
    const holder = await this.registry.occupant(registryId, accountId);
    if (!holder) return {};
    const { state } = await this.accounts.load(holder);
    return { occupiedBy: { accountId: holder, holderStatus: holderStatusOf(state) } };
  }

  // ── bank ─────────────────────────────────────────────────────────────────────────

  private async checkBankCard(call: OutsideCall, account: LoadedAccount, event: RecordedEvent) {
    const { state } = account;
    if (
      state.status !== 'bank_card_required' ||
      state.cardStep.stage !== 'checking' ||
      !isLatest(account.events, event, ['BankCardSubmitted'])
    ) {
      return;
    }
    const identity = await this.personalData.revealIdentity(state.identity);
    const card = await this.personalData.revealCard(state.identity, state.cardStep.card);
    const result = await this.bank.check({ ...identity, ...card });
    await this.record(
      call,
      {
        type: 'RecordBankCheck',
        data: {
          at: this.now(),
          outcome: result.outcome,
          supportsPaymentVerification: result.supportsPaymentVerification,
        },
      },
      'bank',
    );
  }

  // ── ID photos ────────────────────────────────────────────────────────────────────

  private async checkDocuments(call: OutsideCall, account: LoadedAccount, event: RecordedEvent) {
    const { state } = account;
    const checking =
      (state.status === 'identity_confirmed' || state.status === 'authenticated') &&
      state.documentCheck.status === 'checking';
    if (!checking || !isLatest(account.events, event, ['IdDocumentsSubmitted'])) return;
    const { frontId, backId } = event.data as { frontId: string; backId: string };
    let rejection: string | undefined;
    for (const [side, documentId] of [
      ['front', frontId],
      ['back', backId],
    ] as const) {
      const document = await this.documents.get(documentId);
      const result = await this.documentCheck.check({
        side,
        bytes: document.bytes,
        contentType: document.contentType,
      });
      if (result.outcome === 'rejected') {
        rejection = result.reasonCode;
        break;
      }
    }
    await this.record(
      call,
      {
        type: 'RecordDocumentCheck',
        data: {
          at: this.now(),
          accepted: rejection === undefined,
          ...(rejection ? { reason: rejection } : {}),
        },
      },
      'document-check',
    );
  }

  // ── micro-deposit ────────────────────────────────────────────────────────────────

  private async sendDeposit(call: OutsideCall, account: LoadedAccount, event: RecordedEvent) {
    const { state } = account;
    const { depositId } = event.data as { depositId: string };
    if (state.status !== 'micro_deposit_pending' || state.deposit.depositId !== depositId) {
      await this.calls.complete(call.callId);
      return;
    }
    const { amountFen } = JSON.parse(await this.openPayload(call)) as { amountFen: number };
    const { cardNumber } = await this.personalData.revealCard(state.identity, state.card);
    let expectedSettlementAt: Date;
    try {
      ({ expectedSettlementAt } = await this.payout.send({ depositId, cardNumber, amountFen }));
    } catch (error) {
      if (!(error instanceof DepositConflictError)) throw error;
      await this.record(
        call,
        { type: 'RecordDepositFailed', data: { at: this.now(), depositId, reason: error.code } },
        'payout',
      );
      await this.calls.complete(call.callId);
      return;
    }
    // The settlement timer and the end of the call commit together.
    const timer = await this.dataSource.transaction(async (tx) => {
      const scheduled = await this.scheduler.schedule(tx, {
        streamId: verificationStreamId(call.accountId),
        kind: DEPOSIT_SETTLEMENT_TIMER,
        key: depositId,
        dueAt: expectedSettlementAt,
        payload: { depositId },
        timerId: eventIdFor(`${call.callId}|settlement`, verificationStreamId(call.accountId), 0),
      });
      await this.calls.complete(call.callId, tx);
      return scheduled;
    });
    await this.scheduler.enqueue([timer]);
  }

  // ── SMS ──────────────────────────────────────────────────────────────────────────

  private async sendSms(call: OutsideCall, account: LoadedAccount, event: RecordedEvent) {
    const { state } = account;
    const { codeHash } = event.data as { codeHash: string };
    // A code already replaced, expired or used is not worth sending.
    if (state.status !== 'sms_pending' || state.sms.codeHash !== codeHash || state.sms.expired) {
      return;
    }
    const { code } = JSON.parse(await this.openPayload(call)) as { code: string };
    const { mobile } = await this.personalData.revealCard(state.identity, state.card);
    await this.sms.send(mobile, smsText(code));
  }

  // ── helpers ──────────────────────────────────────────────────────────────────────

  private async record(call: OutsideCall, command: VerificationCommand, party: string) {
    const outcome = await this.executor.execute(call.accountId, command, this.context(call, party));
    // An answer may ask for another call (none do today); make it at once too.
    await this.runNow(outcome.calls, OUTSIDE_CALL_LEASE_MS);
  }

  private context(call: OutsideCall, party: string): StepContext {
    return {
      actor: { type: 'system', id: party },
      correlationId: call.eventId,
      causationId: call.eventId,
      commandId: `outside:${call.callId}`,
    };
  }

  private openPayload(call: OutsideCall): Promise<string> {
    if (!call.subjectId || !call.payload) throw new Error(`Call ${call.callId} has no payload`);
    return this.personalData.openFor(call.subjectId, call.payload);
  }

  private now(): string {
    return this.clock.now().toISOString();
  }
}

const IDENTITY_CHECK_EVENTS: VerificationEvent['type'][] = [
  'IdentitySubmitted',
  'IdentityCheckRetried',
  'IdentityCheckDeferred',
  'IdentityVerified',
  'IdentityMismatched',
  'IdentityOccupied',
];

/** The event is the stream's last of these types: nothing since has answered or replaced it. */
function isLatest(
  events: readonly RecordedEvent[],
  event: RecordedEvent,
  types: readonly string[],
): boolean {
  const last = [...events].reverse().find((e) => types.includes(e.type));
  return last?.eventId === event.eventId;
}

/** How a holding account shows to another account that submits its identity. */
function holderStatusOf(state: VerificationState): HolderStatus {
  return state.status === 'authenticated' ? 'authenticated' : 'identity_verified';
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
