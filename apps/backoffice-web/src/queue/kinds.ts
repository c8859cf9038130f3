import type { CaseKind } from '../api/types';

/** The kinds of case a staff member works, by role. */
export function kindsFor(roles: string[]): CaseKind[] {
  const kinds: CaseKind[] = [];
  if (roles.includes('reviewer') || roles.includes('supervisor')) kinds.push('manual_review');
  if (roles.includes('support') || roles.includes('supervisor')) kinds.push('appeal');
  return kinds;
}
