import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { SMS_GATEWAY, type SmsGateway } from '@shiming/integrations';
import { PersonalData } from '../infrastructure/personal-data';
import type { OutsideCallHandler, OutsideCallInput } from './outside-call.handler';
import { OutsideCallRegistry } from './outside-call.registry';

export function smsText(code: string): string {
  return `Shiming real-name verification code: ${code}. It is valid for 5 minutes; never share it.`;
}

/** Sends an SMS code to the mobile reserved for the card. */
@Injectable()
export class SmsCall implements OutsideCallHandler, OnModuleInit {
  readonly kind = 'sms';

  constructor(
    private readonly calls: OutsideCallRegistry,
    private readonly personalData: PersonalData,
    @Inject(SMS_GATEWAY) private readonly sms: SmsGateway,
  ) {}

  onModuleInit(): void {
    this.calls.register(this);
  }

  async handle({ state, event, secret }: OutsideCallInput): Promise<void> {
    const { codeHash } = event.data as { codeHash: string };
    // A code already replaced, expired or used is not worth sending.
    if (state.status !== 'sms_pending' || state.sms.codeHash !== codeHash || state.sms.expired) {
      return;
    }
    const { code } = (await secret()) as { code: string };
    const { mobile } = await this.personalData.revealCard(state.identity, state.card);
    await this.sms.send(mobile, smsText(code));
  }
}
