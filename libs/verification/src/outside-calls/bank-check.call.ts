import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { BANK_CARD_CHECK, type BankCardCheck } from '@shiming/integrations';
import { PersonalData } from '../infrastructure/personal-data';
import { isLatest, type OutsideCallHandler, type OutsideCallInput } from './outside-call.handler';
import { OutsideCallRegistry } from './outside-call.registry';

/** The bank's four-element check of a submitted card: name, ID number, card, mobile. */
@Injectable()
export class BankCheckCall implements OutsideCallHandler, OnModuleInit {
  readonly kind = 'bank_check';

  constructor(
    private readonly calls: OutsideCallRegistry,
    private readonly personalData: PersonalData,
    @Inject(BANK_CARD_CHECK) private readonly bank: BankCardCheck,
  ) {}

  onModuleInit(): void {
    this.calls.register(this);
  }

  async handle({ state, events, event, record }: OutsideCallInput): Promise<void> {
    if (
      state.status !== 'bank_card_required' ||
      state.cardStep.stage !== 'checking' ||
      !isLatest(events, event, ['BankCardSubmitted'])
    ) {
      return;
    }
    const identity = await this.personalData.revealIdentity(state.identity);
    const card = await this.personalData.revealCard(state.identity, state.cardStep.card);
    const result = await this.bank.check({ ...identity, ...card });
    await record(
      (at) => ({
        type: 'RecordBankCheck',
        data: {
          at,
          outcome: result.outcome,
          supportsPaymentVerification: result.supportsPaymentVerification,
        },
      }),
      'bank',
    );
  }
}
