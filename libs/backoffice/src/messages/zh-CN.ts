/**
 * The back office's words, in Chinese: each reason code's label (what staff read) and
 * default message (what the account holder is told unless the reviewer writes their
 * own), and the notifications. ICU MessageFormat.
 */
export const BACKOFFICE_MESSAGES_ZH_CN = {
  'reason.certificates_unreadable.label': '证件无法辨认或不完整',
  'reason.certificates_unreadable.message':
    '您上传的证件照片无法辨认或不完整。请在光线充足处拍摄完整、清晰的证件后重新上传。',
  'reason.certificates_mismatch.label': '证件与所报身份不符',
  'reason.certificates_mismatch.message':
    '您上传的证件与您提交的姓名和身份证号不符。请核对后重新提交。',
  'reason.certificates_expired.label': '证件已过期',
  'reason.certificates_expired.message': '您上传的证件已过有效期。请上传有效期内的证件。',
  'reason.certificate_type_not_accepted.label': '不接受该类证件',
  'reason.certificate_type_not_accepted.message':
    '您上传的证件类型不在可接受范围内。请上传居民身份证、护照等有效身份证件。',
  'reason.suspected_forgery.label': '疑似变造或伪造证件',
  'reason.suspected_forgery.message': '您上传的证件未能通过审核。如有疑问，请联系客服。',
  'reason.insufficient_evidence.label': '证据不足以证明身份归申诉人所有',
  'reason.insufficient_evidence.message': '您提供的材料不足以证明该身份归您所有，申诉未获支持。',
  'reason.documents_do_not_match.label': '证件与身份不符',
  'reason.documents_do_not_match.message': '您提供的证件与该身份不符，申诉未获支持。',
  'reason.holder_is_owner.label': '占用账户属于身份本人',
  'reason.holder_is_owner.message': '经核实，使用该身份的账户属于身份本人，申诉未获支持。',
  'reason.suspected_fraud.label': '疑似欺诈',
  'reason.suspected_fraud.message': '您的申诉未获支持。如有疑问，请联系客服。',
  'reason.other.label': '其他（请在内部备注中说明）',
  'reason.other.message': '您的申请未通过审核。如有疑问，请联系客服。',
  'notification.sla_breached':
    '{caseKind, select, appeal {申诉} other {人工审核}}案件 {caseRef} 已超过截止时间（{dueAt}）仍未处理。',
  'notification.sla_breached.resolved':
    '{caseKind, select, appeal {申诉} other {人工审核}}案件 {caseRef} 超过截止时间（{dueAt}）后已处理。',
  'notification.calendar_runway':
    '官方节假日数据截至 {lastCoveredDate}（{ended, select, yes {已过 {days} 天} other {还剩 {days} 天}}）：此后的申诉截止时间为暂定，待载入下一年数据（HOLIDAYS_FILE 或更新的日历包）后重新计算。',
} as const;

export type BackofficeMessageId = keyof typeof BACKOFFICE_MESSAGES_ZH_CN;
