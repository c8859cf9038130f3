import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { SMS_GATEWAY, type SmsGateway } from '@shiming/integrations';
import type { VerificationPolicy } from '../domain/verification.policy';
import { PersonalData } from '../infrastructure/personal-data';
import { VERIFICATION_MESSAGES } from '../messages';
import { VERIFICATION_POLICY } from '../verification.tokens';
import type { OutsideCallHandler, OutsideCallInput } from './outside-call.handler';
import { OutsideCallRegistry } from './outside-call.registry';

/** The SMS, in Chinese: it goes to a mobile reserved at a mainland bank. */
export function smsText(code: string, ttlMs: number): string {
  const minutes = Math.max(1, Math.round(ttlMs / 60_000));
  return VERIFICATION_MESSAGES.format('zh-CN', 'sms.code', { code, minutes });
}

/** Sends an SMS code to the mobile reserved for the card. */
@Injectable()
export class SmsCall implements OutsideCallHandler, OnModuleInit {
  readonly kind = 'sms';

  constructor(
    private readonly calls: OutsideCallRegistry,
    private readonly personalData: PersonalData,
    @Inject(SMS_GATEWAY) private readonly sms: SmsGateway,
    @Inject(VERIFICATION_POLICY) private readonly policy: VerificationPolicy,
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
    await this.sms.send(mobile, smsText(code, this.policy.smsCode.ttlMs));
  }
}
