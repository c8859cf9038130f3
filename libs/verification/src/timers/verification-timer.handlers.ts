import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { PAYOUT, type Payout } from '@shiming/integrations';
import { TimerHandlerRegistry, type DueTimer, type TimerHandlerResult } from '@shiming/workflow';
import {
  ERASED_DOCUMENTS_PURGE_TIMER,
  TIMER_COMMANDS,
  VerificationTimerKind,
  type VerificationCommand,
  type VerificationCommandType,
} from '../domain';
import {
  VerificationCommandExecutor,
  type StepContext,
} from '../infrastructure/verification-command.executor';
import { IdentityErasure } from '../infrastructure/identity-erasure';
import { DEPOSIT_SETTLEMENT_TIMER } from '../outside-calls/payout.call';
import { accountIdOfStream } from '../verification.streams';

/**
 * What each verification timer does when it fires: the domain's timer command on the
 * account's stream, in the firing transaction and with the firing's id, so that a
 * duplicate firing appends nothing twice. Outside calls that the new events ask for
 * (a retried identity check) are made by the process manager once this commits.
 */
@Injectable()
export class VerificationTimerHandlers implements OnModuleInit {
  private readonly logger = new Logger(VerificationTimerHandlers.name);

  constructor(
    private readonly registry: TimerHandlerRegistry,
    private readonly executor: VerificationCommandExecutor,
    private readonly erasure: IdentityErasure,
    @Inject(PAYOUT) private readonly payout: Payout,
  ) {}

  onModuleInit(): void {
    for (const kind of Object.values(VerificationTimerKind)) {
      const type = TIMER_COMMANDS[kind];
      if (type) {
        this.registry.registerBatch(kind, (timers, tx) => this.fireCommands(timers, tx, type));
      } else {
        // SLA timers stored on account streams by earlier versions: the case's own
        // SLA timer in the back office escalates it; these only say so.
        this.registry.register(kind, async (timer) => {
          this.logger.log(`Superseded ${kind} timer on ${timer.streamId}; the case escalates`);
        });
      }
    }
    this.registry.register<{ depositId: string }>(DEPOSIT_SETTLEMENT_TIMER, (timer, tx) =>
      this.settleDeposit(timer, tx),
    );
    // Removing files is idempotent: a firing that rolls back removes them again.
    this.registry.register<{ subjectId: string }>(ERASED_DOCUMENTS_PURGE_TIMER, async (timer) => {
      await this.erasure.purge(timer.payload.subjectId);
    });
  }

  /** Timers of one kind come due together (a burst of expiries): one batch of commands. */
  private async fireCommands(
    timers: DueTimer[],
    tx: EntityManager,
    type: VerificationCommandType,
  ): Promise<TimerHandlerResult> {
    const outcomes = await this.executor.executeMany(
      timers.map((timer) => ({
        accountId: this.accountOf(timer),
        command: { type, data: { at: timer.firedAt.toISOString() } } as VerificationCommand,
        ctx: this.context(timer, tx),
      })),
      tx,
    );
    return { scheduled: outcomes.flatMap((outcome) => outcome.scheduled) };
  }

  /** The bank's settlement time has come: settle the deposit and tell the account. */
  private async settleDeposit(
    timer: DueTimer<{ depositId: string }>,
    tx: EntityManager,
  ): Promise<TimerHandlerResult> {
    const { depositId } = timer.payload;
    // Idempotent at the bank: a retried firing settles nothing twice.
    await this.payout.settle(depositId);
    const outcome = await this.executor.execute(
      this.accountOf(timer),
      { type: 'RecordDepositSettled', data: { at: timer.firedAt.toISOString(), depositId } },
      this.context(timer, tx),
    );
    return { scheduled: outcome.scheduled };
  }

  private accountOf(timer: DueTimer): string {
    const accountId = accountIdOfStream(timer.streamId);
    if (!accountId) throw new Error(`Timer ${timer.timerId} is not on a verification stream`);
    return accountId;
  }

  private context(timer: DueTimer, tx: EntityManager): StepContext {
    return {
      actor: { type: 'system', id: `timer:${timer.kind}` },
      correlationId: timer.timerId,
      commandId: timer.firingId,
      transaction: tx,
    };
  }
}
