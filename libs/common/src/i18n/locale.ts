import Negotiator from 'negotiator';

/** The languages every word shown to a person is written in; zh-CN first. */
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'zh-CN';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/**
 * The language to answer in, from an `Accept-Language` header (RFC 9110 weights, a
 * bare `zh` or `en-US` matching by prefix). Nothing acceptable, or no header: zh-CN.
 */
export function negotiateLocale(acceptLanguage: string | string[] | undefined): Locale {
  const header = Array.isArray(acceptLanguage) ? acceptLanguage.join(',') : acceptLanguage;
  if (!header) return DEFAULT_LOCALE;
  const chosen = new Negotiator({ headers: { 'accept-language': header } }).language([...LOCALES]);
  return isLocale(chosen) ? chosen : DEFAULT_LOCALE;
}
