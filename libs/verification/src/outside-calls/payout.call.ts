import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DepositConflictError, PAYOUT, type Payout } from '@shiming/integrations';
import { eventIdFor, TimerScheduler } from '@shiming/workflow';
import { OutsideCallsRepository } from '../infrastructure/outside-calls.repository';
import { PersonalData } from '../infrastructure/personal-data';
import { verificationStreamId } from '../verification.streams';
import type { OutsideCallHandler, OutsideCallInput } from './outside-call.handler';
import { OutsideCallRegistry } from './outside-call.registry';

/** The timer that settles a micro-deposit when the bank says it has arrived. */
export const DEPOSIT_SETTLEMENT_TIMER = 'micro_deposit_settlement';

/**
 * Pays a micro-deposit out. The bank answers when it will arrive: the settlement timer
 * is armed for then, in one transaction with the end of the call.
 */
@Injectable()
export class PayoutCall implements OutsideCallHandler, OnModuleInit {
  readonly kind = 'payout';

  constructor(
    private readonly calls: OutsideCallRegistry,
    private readonly personalData: PersonalData,
    private readonly scheduler: TimerScheduler,
    private readonly outsideCalls: OutsideCallsRepository,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(PAYOUT) private readonly payout: Payout,
  ) {}

  onModuleInit(): void {
    this.calls.register(this);
  }

  async handle({ call, state, event, secret, record }: OutsideCallInput): Promise<void> {
    const { depositId } = event.data as { depositId: string };
    if (state.status !== 'micro_deposit_pending' || state.deposit.depositId !== depositId) return;
    const { amountFen } = (await secret()) as { amountFen: number };
    const { cardNumber } = await this.personalData.revealCard(state.identity, state.card);
    let expectedSettlementAt: Date;
    try {
      ({ expectedSettlementAt } = await this.payout.send({ depositId, cardNumber, amountFen }));
    } catch (error) {
      if (!(error instanceof DepositConflictError)) throw error;
      await record(
        (at) => ({ type: 'RecordDepositFailed', data: { at, depositId, reason: error.code } }),
        'payout',
      );
      return;
    }
    // The settlement timer and the end of the call commit together.
    const streamId = verificationStreamId(call.accountId);
    const timer = await this.dataSource.transaction(async (tx) => {
      const scheduled = await this.scheduler.schedule(tx, {
        streamId,
        kind: DEPOSIT_SETTLEMENT_TIMER,
        key: depositId,
        dueAt: expectedSettlementAt,
        payload: { depositId },
        timerId: eventIdFor(`${call.callId}|settlement`, streamId, 0),
      });
      await this.outsideCalls.complete(call.callId, tx);
      return scheduled;
    });
    await this.scheduler.enqueue([timer]);
  }
}
