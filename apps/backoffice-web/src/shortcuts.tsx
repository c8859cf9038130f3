import { useEffect, useRef } from 'react';

export interface Shortcut {
  keys: string;
  what: string;
}

/** What the `?` panel lists, by page. */
export const SHORTCUTS: { page: string; items: Shortcut[] }[] = [
  {
    page: 'Everywhere',
    items: [
      { keys: '?', what: 'Show or hide this list' },
      { keys: 'n', what: 'Next case: claim the most urgent one and open it' },
      { keys: 'q', what: 'Back to the queue' },
      { keys: 'Esc', what: 'Close this list, leave a form field' },
    ],
  },
  {
    page: 'Queue',
    items: [
      { keys: 'j / k', what: 'Move down / up the list' },
      { keys: 'Enter', what: 'Open the selected case' },
    ],
  },
  {
    page: 'Case',
    items: [
      { keys: 'c', what: 'Claim' },
      { keys: 'r', what: 'Release' },
      { keys: 'a', what: 'Approve (choose it in the decision or approval form)' },
      { keys: 'x', what: 'Reject (choose it and pick a reason)' },
      { keys: 'u', what: 'Request a new upload' },
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
          <h2 id="shortcuts-title">Keyboard shortcuts</h2>
          <button
            type="button"
            className="button ghost"
            onClick={onClose}
            data-testid="shortcuts-close"
          >
            Close
          </button>
        </header>
        {SHORTCUTS.map((group) => (
          <div key={group.page} className="shortcut-group">
            <h3>{group.page}</h3>
            <dl>
              {group.items.map((item) => (
                <div key={item.keys} className="shortcut">
                  <dt>
                    <Kbd>{item.keys}</Kbd>
                  </dt>
                  <dd>{item.what}</dd>
                </div>
              ))}
            </dl>
          </div>
        ))}
      </section>
    </div>
  );
}
