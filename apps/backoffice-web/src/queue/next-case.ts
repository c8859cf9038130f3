import { postJson } from '../api/client';
import type { CaseDetail, CaseKind } from '../api/types';

/** Claims the most urgent case of `kind` for the caller; null when there is none (204). */
export function claimNextCase(kind: CaseKind): Promise<CaseDetail | null> {
  return postJson<CaseDetail>('/v1/backoffice/cases/next', { kind });
}

/** The kinds of case a staff member works, by role. */
export function kindsFor(roles: string[]): CaseKind[] {
  const kinds: CaseKind[] = [];
  if (roles.includes('reviewer') || roles.includes('supervisor')) kinds.push('manual_review');
  if (roles.includes('support') || roles.includes('supervisor')) kinds.push('appeal');
  return kinds;
}
