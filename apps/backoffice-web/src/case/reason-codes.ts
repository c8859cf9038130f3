import type { CaseKind, DecisionOutcome } from '../api/types';
import { translateOr, type Translate } from '../i18n/i18n';
import { CATALOGUES, isMessageId, type Language } from '../i18n/messages';

// The API names the reasons by code; what staff read (the label) and what the user is
// told by default (the message) are the web app's, in both languages.

/** A reason's label for staff; the API's label if the catalogue lacks the code. */
export function reasonLabel(t: Translate, kind: CaseKind, code: string, fallback = code): string {
  return translateOr(t, `reason.${kind}.${code}.label`, fallback);
}

/**
 * The message the user is sent by default for a decision, in `language` (the user's,
 * not necessarily the reviewer's): the reason's own for a rejection, a general one for
 * a new upload, none for an approval.
 */
export function defaultUserMessage(
  language: Language,
  kind: CaseKind,
  outcome: DecisionOutcome | null,
  reasonCode: string,
): string {
  if (outcome === 'request_reupload')
    return CATALOGUES[language]['decision.reupload.defaultMessage'];
  if (outcome !== 'reject' || !reasonCode) return '';
  const id = `reason.${kind}.${reasonCode}.message`;
  return isMessageId(id) ? CATALOGUES[language][id] : '';
}
