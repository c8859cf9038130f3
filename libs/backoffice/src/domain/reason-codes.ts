import type { CaseKind } from './case.events';

export interface ReasonCode {
  code: string;
  /** What staff see in the list; the user sees the decision's own message. */
  label: string;
}

/** The reasons a rejection (manual review) or denial (appeal) may give. */
export const REASON_CODES: Record<CaseKind, readonly ReasonCode[]> = {
  manual_review: [
    { code: 'certificates_unreadable', label: 'Certificates unreadable or cropped' },
    { code: 'certificates_mismatch', label: 'Certificates do not match the identity' },
    { code: 'certificates_expired', label: 'A certificate has expired' },
    { code: 'certificate_type_not_accepted', label: 'Certificate type not accepted' },
    { code: 'suspected_forgery', label: 'Suspected altered or forged document' },
    { code: 'other', label: 'Other (explain in the internal note)' },
  ],
  appeal: [
    { code: 'insufficient_evidence', label: 'Evidence does not show the identity is theirs' },
    { code: 'documents_do_not_match', label: 'Documents do not match the identity' },
    { code: 'holder_is_owner', label: 'The holding account belongs to the identity owner' },
    { code: 'suspected_fraud', label: 'Suspected fraud' },
    { code: 'other', label: 'Other (explain in the internal note)' },
  ],
};

export function isReasonCode(kind: CaseKind, code: string): boolean {
  return REASON_CODES[kind].some((reason) => reason.code === code);
}
