/**
 * What the back office shows instead of personal data (DESIGN §5). Masks keep just
 * enough for a person to recognise a value they already know.
 */

const STAR = '*';

/** `110101199003071234` → `110101********1234`: region and the last four kept. */
export function maskIdNumber(idNumber: string): string {
  const value = idNumber.trim().toUpperCase();
  if (value.length < 11) return STAR.repeat(value.length);
  return value.slice(0, 6) + STAR.repeat(value.length - 10) + value.slice(-4);
}

/**
 * `张三` → `张*`, `欧阳娜娜` → `欧***`, `阿依古丽·买买提` → `阿***·***`: the first
 * character kept, the middle dots kept so the shape of the name stays readable.
 */
export function maskName(name: string): string {
  const characters = Array.from(name.trim());
  if (characters.length === 0) return '';
  if (characters.length === 1) return STAR;
  return (
    characters[0] +
    characters
      .slice(1)
      .map((character) => (character === '\u00B7' ? character : STAR))
      .join('')
  );
}

/** `6222020200112233445` → `***************3445`. */
export function maskCard(cardNumber: string): string {
  const digits = cardNumber.replace(/\s+/g, '');
  if (digits.length <= 4) return STAR.repeat(digits.length);
  return STAR.repeat(digits.length - 4) + digits.slice(-4);
}

/** `13800000000` → `138****0000`; a country code is dropped first. */
export function maskMobile(mobile: string): string {
  const digits = mobile.replace(/[\s-]+/g, '').replace(/^(?:\+86|0086|86)(?=1\d{10}$)/, '');
  if (digits.length < 8) return STAR.repeat(digits.length);
  return digits.slice(0, 3) + STAR.repeat(digits.length - 7) + digits.slice(-4);
}
