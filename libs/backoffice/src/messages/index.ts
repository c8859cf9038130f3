import { LOCALES, MessageCatalogue, type Locale } from '@shiming/common';
import type { CaseKind } from '../domain/case.events';
import { REASON_CODES, type ReasonCode } from '../domain/reason-codes';
import { BACKOFFICE_MESSAGES_EN } from './en';
import { BACKOFFICE_MESSAGES_ZH_CN, type BackofficeMessageId } from './zh-CN';

export type { BackofficeMessageId };

/** The back office's words per language: reason codes and notifications. */
export const BACKOFFICE_MESSAGES = new MessageCatalogue<BackofficeMessageId>({
  'zh-CN': BACKOFFICE_MESSAGES_ZH_CN,
  en: BACKOFFICE_MESSAGES_EN,
});

/** A reason a decision may give, worded for staff and for the account holder. */
export interface WordedReasonCode {
  code: string;
  /** What staff read, in the language asked for. */
  label: string;
  labels: Record<Locale, string>;
  /** What the account holder is told unless the reviewer writes their own words. */
  defaultMessages: Record<Locale, string>;
}

export function wordedReasonCodes(locale: Locale): Record<CaseKind, WordedReasonCode[]> {
  const word = ({ code }: ReasonCode): WordedReasonCode => {
    const per = (id: BackofficeMessageId) =>
      Object.fromEntries(LOCALES.map((l) => [l, BACKOFFICE_MESSAGES.format(l, id)])) as Record<
        Locale,
        string
      >;
    const labels = per(`reason.${code}.label` as BackofficeMessageId);
    return {
      code,
      label: labels[locale],
      labels,
      defaultMessages: per(`reason.${code}.message` as BackofficeMessageId),
    };
  };
  return {
    manual_review: REASON_CODES.manual_review.map(word),
    appeal: REASON_CODES.appeal.map(word),
  };
}
