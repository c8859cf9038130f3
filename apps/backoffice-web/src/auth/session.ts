import { useSyncExternalStore } from 'react';
import { STAFF_ROLES, type StaffRole } from '../api/types';

/** The signed-in staff member. Kept in sessionStorage: it ends with the tab. */
export interface Session {
  token: string;
  sub: string;
  roles: StaffRole[];
  expiresAt: string | null;
}

const KEY = 'shiming.backoffice.session';

let session: Session | null = load();
/** Why a session ended without the person signing out, shown on the sign-in page. */
export type SignOutReason = 'expired' | 'ended';

let endedBecause: SignOutReason | null = null;
const listeners = new Set<() => void>();

function load(): Session | null {
  try {
    const stored = sessionStorage.getItem(KEY);
    if (!stored) return null;
    const parsed = JSON.parse(stored) as Session;
    if (parsed.expiresAt && Date.parse(parsed.expiresAt) <= Date.now()) return null;
    return parsed;
  } catch {
    return null;
  }
}

function changed(): void {
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function currentSession(): Session | null {
  return session;
}

export function useSession(): Session | null {
  return useSyncExternalStore(subscribe, () => session);
}

export function useSignOutReason(): SignOutReason | null {
  return useSyncExternalStore(subscribe, () => endedBecause);
}

export function signIn(next: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(next));
  session = next;
  endedBecause = null;
  changed();
}

export function signOut(reason: SignOutReason | null = null): void {
  sessionStorage.removeItem(KEY);
  session = null;
  endedBecause = reason;
  changed();
}

export function hasRole(current: Session | null, role: StaffRole): boolean {
  return current?.roles.includes(role) ?? false;
}

/** Why a pasted token cannot be used; the sign-in page words it. */
export type TokenProblem = 'not_jwt' | 'unreadable' | 'no_subject' | 'no_role' | 'expired';

export class TokenError extends Error {
  constructor(readonly problem: TokenProblem) {
    super(`Unusable token: ${problem}`);
  }
}

/**
 * Reads a JWT's claims without checking its signature (the API checks it on every call):
 * enough to show who is signed in and which screens apply.
 */
export function sessionFromToken(token: string): Session {
  const parts = token.trim().split('.');
  if (parts.length !== 3) throw new TokenError('not_jwt');
  let claims: { sub?: unknown; roles?: unknown; exp?: unknown };
  try {
    const base64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    claims = JSON.parse(new TextDecoder().decode(bytes)) as typeof claims;
  } catch {
    throw new TokenError('unreadable');
  }
  if (typeof claims.sub !== 'string' || !claims.sub) throw new TokenError('no_subject');
  const roles = (Array.isArray(claims.roles) ? claims.roles : []).filter(
    (role): role is StaffRole => STAFF_ROLES.includes(role as StaffRole),
  );
  if (roles.length === 0) {
    throw new TokenError('no_role');
  }
  const expiresAt =
    typeof claims.exp === 'number' ? new Date(claims.exp * 1000).toISOString() : null;
  if (expiresAt && Date.parse(expiresAt) <= Date.now()) throw new TokenError('expired');
  return { token: token.trim(), sub: claims.sub, roles, expiresAt };
}
