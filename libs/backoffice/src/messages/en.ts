import type { BackofficeMessageId } from './zh-CN';

/** The back office's words, in English (see zh-CN.ts). */
export const BACKOFFICE_MESSAGES_EN: Readonly<Record<BackofficeMessageId, string>> = {
  'reason.certificates_unreadable.label': 'Certificates unreadable or cropped',
  'reason.certificates_unreadable.message':
    'The certificate photos you uploaded cannot be read or are cut off. Take a full, clear photo in good light and upload it again.',
  'reason.certificates_mismatch.label': 'Certificates do not match the identity',
  'reason.certificates_mismatch.message':
    'The certificates you uploaded do not match the name and ID number you submitted. Check them and submit again.',
  'reason.certificates_expired.label': 'A certificate has expired',
  'reason.certificates_expired.message':
    'A certificate you uploaded has expired. Upload certificates that are still valid.',
  'reason.certificate_type_not_accepted.label': 'Certificate type not accepted',
  'reason.certificate_type_not_accepted.message':
    'This type of certificate is not accepted. Upload a resident ID card, a passport or another valid identity document.',
  'reason.suspected_forgery.label': 'Suspected altered or forged document',
  'reason.suspected_forgery.message':
    'The certificates you uploaded did not pass the review. Contact customer service with any questions.',
  'reason.insufficient_evidence.label': 'Evidence does not show the identity is theirs',
  'reason.insufficient_evidence.message':
    'The documents you gave do not show that this identity is yours; the appeal is denied.',
  'reason.documents_do_not_match.label': 'Documents do not match the identity',
  'reason.documents_do_not_match.message':
    'The documents you gave do not match this identity; the appeal is denied.',
  'reason.holder_is_owner.label': 'The holding account belongs to the identity owner',
  'reason.holder_is_owner.message':
    'The account that holds this identity belongs to its owner; the appeal is denied.',
  'reason.suspected_fraud.label': 'Suspected fraud',
  'reason.suspected_fraud.message':
    'Your appeal is denied. Contact customer service with any questions.',
  'reason.other.label': 'Other (explain in the internal note)',
  'reason.other.message':
    'Your application did not pass the review. Contact customer service with any questions.',
  'notification.sla_breached':
    '{caseKind, select, appeal {Appeal} other {Manual review}} {caseRef} passed its due time ({dueAt}) undecided.',
  'notification.sla_breached.resolved':
    '{caseKind, select, appeal {Appeal} other {Manual review}} {caseRef} was decided after its due time ({dueAt}).',
  'notification.calendar_runway':
    'The official holiday data ends {lastCoveredDate} ({ended, select, yes {{days} days ago} other {{days} days left}}): appeal due times past it are provisional until the next year is loaded (HOLIDAYS_FILE or a newer calendar package).',
};
