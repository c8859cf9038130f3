/**
 * What the account holder reads, in Chinese: the notices of the status document (by
 * their code, `notice.<code>`) and the SMS text. ICU MessageFormat; events and read
 * models keep the code and its parameters, and the words are chosen when read.
 */
export const VERIFICATION_MESSAGES_ZH_CN = {
  'notice.identity_revoked_appeal_upheld':
    '您的实名身份已被移除：该身份的本人通过申诉证明了身份归其所有。请使用您本人的身份重新认证。',
  'notice.identity_revoked_claimed_by_owner':
    '您的实名身份已被移除：该身份的本人已在自己的账户上完成认证。请使用您本人的身份重新认证。',
  'notice.identity_mismatch':
    '姓名与身份证号核验不一致。您可以重新提交，或上传两种证件申请人工审核。',
  'notice.reupload_requested': '审核人员请您重新上传证件。',
  'notice.id_documents_rejected':
    '身份证照片未通过检查{reason, select, image_too_small {（图片太小或不清晰）} other {}}，请重新上传或跳过此步。',
  'notice.card_not_quick_pay': '该银行卡不支持快捷支付，请换一张卡。',
  'notice.sms_code_attempts_exhausted': '短信验证码错误次数过多，请重新同意协议以获取新验证码。',
  'notice.sms_code_expired': '短信验证码已过期，请重新发送。',
  'notice.mobile_mismatch': '银行预留手机号与银行卡不一致。',
  'notice.verification_failed': '银行卡验证未通过。',
  'notice.micro_deposit_arrived': '小额打款已到账，请输入收到的金额。',
  'notice.micro_deposit_attempts_exhausted': '打款金额输错次数过多，本次小额打款验证已结束。',
  'notice.micro_deposit_expired': '小额打款验证已过期，请重新申请或更换银行卡。',
  'notice.micro_deposit_payout_failed': '小额打款未能发出，请重新申请或更换银行卡。',
  'notice.payment_password_locked': '支付密码错误次数过多，身份提交已被暂时锁定。',
  'sms.code': '【实名认证】您的验证码为 {code}，{minutes} 分钟内有效，请勿告诉他人。',
} as const;

export type VerificationMessageId = keyof typeof VERIFICATION_MESSAGES_ZH_CN;
