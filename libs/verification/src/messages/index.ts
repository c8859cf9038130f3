import { MessageCatalogue } from '@shiming/common';
import { VERIFICATION_MESSAGES_EN } from './en';
import { VERIFICATION_MESSAGES_ZH_CN, type VerificationMessageId } from './zh-CN';

export type { VerificationMessageId };

/** The words of the verification process for the account holder, per language. */
export const VERIFICATION_MESSAGES = new MessageCatalogue<VerificationMessageId>({
  'zh-CN': VERIFICATION_MESSAGES_ZH_CN,
  en: VERIFICATION_MESSAGES_EN,
});
