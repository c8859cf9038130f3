import { useEffect, useRef } from 'react';
import { useT } from './i18n/i18n';
import { msg, type MessageId } from './i18n/messages';

export interface Shortcut {
  keys: string;
  what: MessageId;
}

/** What the `?` panel lists, by page. */
export const SHORTCUTS: { page: MessageId; items: Shortcut[] }[] = [
  {
    page: msg('shortcuts.page.everywhere'),
    items: [
      { keys: '?', what: msg('shortcuts.toggle') },
      { keys: 'n', what: msg('shortcuts.next') },
      { keys: 'q', what: msg('shortcuts.queue') },
      { keys: 'Esc', what: msg('shortcuts.escape') },
    ],
  },
  {
    page: msg('shortcuts.page.queue'),
    items: [
      { keys: 'j / k', what: msg('shortcuts.move') },
      { keys: 'Enter', what: msg('shortcuts.open') },
    ],
  },
  {
    page: msg('shortcuts.page.case'),
    items: [
      { keys: 'c', what: msg('shortcuts.claim') },
      { keys: 'r', what: msg('shortcuts.release') },
      { keys: 'a', what: msg('shortcuts.approve') },
      { keys: 'x', what: msg('shortcuts.reject') },
      { keys: 'u', what: msg('shortcuts.reupload') },
      { keys: 'i', what: msg('shortcuts.compare') },
    ],
  },
];

type Handlers = Record<string, (event: KeyboardEvent) => void>;

function typingIn(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement
  );
}

/**
 * Single-key shortcuts while the page is shown. Keys typed into a form field, and keys
 * with Ctrl, Alt or Meta, are left alone; Escape leaves the field instead.
 */
export function useShortcuts(handlers: Handlers): void {
  const latest = useRef(handlers);
  latest.current = handlers;
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.ctrlKey || event.altKey || event.metaKey || event.isComposing) return;
      if (typingIn(event.target)) {
        if (event.key === 'Escape') (event.target as HTMLElement).blur();
        return;
      }
      // Enter on a focused button or link is that control's own.
      if (
        event.key === 'Enter' &&
        event.target instanceof HTMLElement &&
        event.target.closest('button, a')
      ) {
        return;
      }
      const handler = latest.current[event.key];
      if (!handler) return;
      event.preventDefault();
      handler(event);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

export function Kbd({ children }: { children: string }) {
  return <kbd className="kbd">{children}</kbd>;
}

export function ShortcutsHelp({ onClose }: { onClose: () => void }) {
  const t = useT();
  return (
    <div className="overlay" role="presentation" onClick={onClose}>
      <section
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="shortcuts-title"
        data-testid="shortcuts-help"
        onClick={(event) => event.stopPropagation()}
      >
        <header className="dialog-header">
          <h2 id="shortcuts-title">{t('shortcuts.title')}</h2>
          <button
            type="button"
            className="button ghost"
            onClick={onClose}
            data-testid="shortcuts-close"
          >
            {t('shortcuts.close')}
          </button>
        </header>
        {SHORTCUTS.map((group) => (
          <div key={group.page} className="shortcut-group">
            <h3>{t(group.page)}</h3>
            <dl>
              {group.items.map((item) => (
                <div key={item.keys} className="shortcut">
                  <dt>
                    <Kbd>{item.keys}</Kbd>
                  </dt>
                  <dd>{t(item.what)}</dd>
                </div>
              ))}
            </dl>
          </div>
        ))}
      </section>
    </div>
  );
}
