import { createHash } from 'node:crypto';

/**
 * Sandbox tables keep card and ID numbers only as a hash, to look them up by. Unkeyed
 * is enough here: the sandbox holds test data, never real people's.
 */
export function sandboxLookupHash(value: string): string {
  return createHash('sha256').update(value.replace(/[\s-]/g, '').toUpperCase()).digest('hex');
}
