/**
 * Names as written on a resident ID card: 2–20 Han characters, with the middle dot
 * `·` between the parts of a transliterated name (阿依古丽·买买提).
 */

export type ChineseNameFailure = 'invalid_length' | 'invalid_characters' | 'invalid_dot';

export type ChineseNameResult =
  { valid: true; name: string } | { valid: false; reason: ChineseNameFailure };

export const MIDDLE_DOT = '\u00B7';

// Katakana middle dot, bullet, full-width full stop, hyphenation point, half-width
// katakana middle dot: what input methods produce when a user types "the dot".
const DOT_LOOK_ALIKES = /[\u30FB\u2022\uFF0E\u2027\uFF65]/g;

// CJK Unified Ideographs and Extensions A–I (B and later are astral, hence /u).
const HAN =
  '\\u{3400}-\\u{4DBF}\\u{4E00}-\\u{9FFF}\\u{20000}-\\u{2A6DF}\\u{2A700}-\\u{2EE5F}\\u{30000}-\\u{323AF}';
const NAME = new RegExp(`^[${HAN}]+(?:${MIDDLE_DOT}[${HAN}]+)*$`, 'u');
const ALLOWED = new RegExp(`^[${HAN}${MIDDLE_DOT}]+$`, 'u');

const MIN_LENGTH = 2;
const MAX_LENGTH = 20;

/**
 * NFC (folds CJK compatibility ideographs into unified ones), trims, turns dot
 * look-alikes into `·` and drops spaces around it. Does not validate.
 */
export function normaliseChineseName(input: string): string {
  return input
    .normalize('NFC')
    .trim()
    .replace(DOT_LOOK_ALIKES, MIDDLE_DOT)
    .replace(/\s*\u00B7\s*/g, MIDDLE_DOT);
}

export function validateChineseName(input: string): ChineseNameResult {
  const name = normaliseChineseName(input);
  // Code points, not UTF-16 units: an Extension B character is one character.
  const length = Array.from(name).length;
  if (length < MIN_LENGTH || length > MAX_LENGTH) return { valid: false, reason: 'invalid_length' };
  if (!ALLOWED.test(name)) return { valid: false, reason: 'invalid_characters' };
  if (!NAME.test(name)) return { valid: false, reason: 'invalid_dot' };
  return { valid: true, name };
}

export function isChineseName(input: unknown): input is string {
  return typeof input === 'string' && validateChineseName(input).valid;
}
