/** The cookie that carries a staff token to `/admin`, where a browser cannot send a header. */
export const ADMIN_COOKIE = 'shiming_admin';
export const ADMIN_PATH = '/admin';

/** One cookie's value from a `Cookie` header; undefined when absent or malformed. */
export function cookieOf(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const at = pair.indexOf('=');
    if (at < 0 || pair.slice(0, at).trim() !== name) continue;
    try {
      return decodeURIComponent(pair.slice(at + 1).trim()) || undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
