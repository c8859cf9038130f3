import type { VerificationMessageId } from './zh-CN';

/** What the account holder reads, in English (see zh-CN.ts). */
export const VERIFICATION_MESSAGES_EN: Readonly<Record<VerificationMessageId, string>> = {
  'notice.identity_revoked_appeal_upheld':
    'Your real-name identity was removed: its owner proved in an appeal that it is theirs. Verify again with your own identity.',
  'notice.identity_revoked_claimed_by_owner':
    'Your real-name identity was removed: its owner verified it on their own account. Verify again with your own identity.',
  'notice.identity_mismatch':
    'The name and ID number do not match. Submit them again, or apply for a manual review with two certificates.',
  'notice.reupload_requested': 'The reviewer asks you to upload your certificates again.',
  'notice.id_documents_rejected':
    'The ID photos were not accepted{reason, select, image_too_small { (the image is too small or unclear)} other {}}; upload them again or skip this step.',
  'notice.card_not_quick_pay': 'This card does not support quick payment; use another card.',
  'notice.sms_code_attempts_exhausted':
    'Too many wrong SMS codes: accept the agreement again for a new code.',
  'notice.sms_code_expired': 'The SMS code has expired; ask for a new one.',
  'notice.mobile_mismatch': 'The mobile number is not the one the bank has for this card.',
  'notice.verification_failed': 'The bank could not verify this card.',
  'notice.micro_deposit_arrived': 'The micro-deposit has arrived: enter the amount you received.',
  'notice.micro_deposit_attempts_exhausted':
    'Too many wrong amounts: this micro-deposit check has ended.',
  'notice.micro_deposit_expired':
    'The micro-deposit check has expired; ask for a new one or change the card.',
  'notice.micro_deposit_payout_failed':
    'The micro-deposit could not be sent; ask for a new one or change the card.',
  'notice.payment_password_locked':
    'Too many wrong payment passwords: identity submission is locked for a while.',
  'sms.code':
    'Shiming real-name verification code: {code}. It is valid for {minutes} minutes; never share it.',
};
