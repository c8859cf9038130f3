import { useSyncExternalStore } from 'react';
import { currentSession, useSession } from '../auth/session';
import { DEFAULT_LANGUAGE, isLanguage, type Language } from './messages';

// Each staff member's choice is kept in localStorage under their own id, so a shared
// desk keeps every person's language. Before anyone signs in, the sign-in page uses the
// last choice made in this browser.
const PREFIX = 'shiming.backoffice.language';
const listeners = new Set<() => void>();

function keyFor(staffId: string | null): string {
  return staffId ? `${PREFIX}:${staffId}` : PREFIX;
}

function read(key: string): Language | null {
  try {
    const stored = localStorage.getItem(key);
    return isLanguage(stored) ? stored : null;
  } catch {
    return null;
  }
}

/** The language of a staff member (null: before sign-in): their own choice, else zh-CN. */
export function languageOf(staffId: string | null): Language {
  return read(keyFor(staffId)) ?? DEFAULT_LANGUAGE;
}

/** The language of whoever is signed in now, for code outside React (the API client). */
export function currentLanguage(): Language {
  return languageOf(currentSession()?.sub ?? null);
}

/** Remembers the choice for the signed-in staff member, and for this browser's sign-in page. */
export function chooseLanguage(language: Language): void {
  const staffId = currentSession()?.sub ?? null;
  try {
    localStorage.setItem(keyFor(staffId), language);
    if (staffId) localStorage.setItem(keyFor(null), language);
  } catch {
    // Storage may be full or off: the choice then lasts until the page is reloaded.
  }
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // Another tab of the same person changed it.
  const onStorage = (event: StorageEvent): void => {
    if (event.key?.startsWith(PREFIX)) listener();
  };
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

export function useLanguage(): Language {
  // Signing in or out changes whose choice applies.
  useSession();
  return useSyncExternalStore(subscribe, currentLanguage);
}
