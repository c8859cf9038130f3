import { IntlMessageFormat } from 'intl-messageformat';
import { LOCALES } from '@shiming/common';
import { smsText } from '../outside-calls/sms.call';
import { VERIFICATION_MESSAGES } from '.';

// Every notice code the status document can carry (domain/status.ts).
const NOTICE_CODES = [
  'identity_revoked_appeal_upheld',
  'identity_revoked_claimed_by_owner',
  'identity_mismatch',
  'reupload_requested',
  'id_documents_rejected',
  'card_not_quick_pay',
  'sms_code_attempts_exhausted',
  'sms_code_expired',
  'mobile_mismatch',
  'verification_failed',
  'micro_deposit_arrived',
  'micro_deposit_attempts_exhausted',
  'micro_deposit_expired',
  'micro_deposit_payout_failed',
  'payment_password_locked',
];

function argumentsOf(text: string, locale: string): string[] {
  return new IntlMessageFormat(text, locale)
    .getAst()
    .flatMap((element) => ('value' in element && element.type !== 0 ? [element.value] : []))
    .sort();
}

describe('the verification messages', () => {
  const { messages } = VERIFICATION_MESSAGES;

  it('has the same ids in every language, each parsing, with the same arguments', () => {
    const ids = Object.keys(messages['zh-CN']).sort();
    for (const locale of LOCALES) {
      expect(Object.keys(messages[locale]).sort()).toEqual(ids);
      for (const id of ids) {
        const text = messages[locale][id as keyof (typeof messages)['zh-CN']];
        expect([id, argumentsOf(text, locale)]).toEqual([
          id,
          argumentsOf(messages['zh-CN'][id as keyof (typeof messages)['zh-CN']], 'zh-CN'),
        ]);
      }
    }
  });

  it('words every notice the status document can give, in every language', () => {
    const missing = NOTICE_CODES.filter((code) => !VERIFICATION_MESSAGES.has(`notice.${code}`));
    expect(missing).toEqual([]);
  });

  it('words a notice with its parameters', () => {
    expect(
      VERIFICATION_MESSAGES.format('zh-CN', 'notice.id_documents_rejected', {
        reason: 'image_too_small',
      }),
    ).toContain('图片太小');
    expect(
      VERIFICATION_MESSAGES.format('en', 'notice.id_documents_rejected', { reason: 'other' }),
    ).toBe('The ID photos were not accepted; upload them again or skip this step.');
  });

  it('sends the SMS in Chinese, with the code and how long it lasts', () => {
    expect(smsText('042917', 300_000)).toBe(
      '【实名认证】您的验证码为 042917，5 分钟内有效，请勿告诉他人。',
    );
  });
});
