/** Mainland China mobile numbers: 11 digits, `1[3-9]…`, with an optional +86 / 86 prefix. */

export type MainlandMobileResult =
  { valid: true; mobile: string } | { valid: false; reason: 'invalid_mobile' };

const MOBILE = /^1[3-9]\d{9}$/;

/** Strips spaces, hyphens and the country code; does not validate. */
export function normaliseMainlandMobile(input: string): string {
  const compact = input.replace(/[\s-]+/g, '');
  // 13 digits starting 86 can only be a prefixed number: a bare mobile starts with 1.
  return compact.replace(/^(?:\+86|0086|86)(?=1\d{10}$)/, '');
}

export function validateMainlandMobile(input: string): MainlandMobileResult {
  const mobile = normaliseMainlandMobile(input);
  return MOBILE.test(mobile) ? { valid: true, mobile } : { valid: false, reason: 'invalid_mobile' };
}

export function isMainlandMobile(input: unknown): input is string {
  return typeof input === 'string' && validateMainlandMobile(input).valid;
}
