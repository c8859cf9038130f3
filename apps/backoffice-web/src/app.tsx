import { useEffect, useState, type ReactNode } from 'react';
import { send } from './api/client';
import { queryClient } from './api/queries';
import { SignInPage } from './auth/sign-in-page';
import { hasRole, signOut, useSession, type Session } from './auth/session';
import { AuditPage } from './audit/audit-page';
import { CasePage } from './case/case-page';
import { LanguageSwitch, useT } from './i18n/i18n';
import { QueuePage } from './queue/queue-page';
import { Link, navigate, useLocation } from './router';
import { ShortcutsHelp, useShortcuts } from './shortcuts';

const CASE_PATH = /^\/cases\/([^/]+)\/?$/;

export function App() {
  const session = useSession();
  const location = useLocation();
  // What one staff member saw is not shown to the next who signs in on this page.
  useEffect(() => {
    if (!session) queryClient.clear();
  }, [session]);
  // Signing in keeps the address: a deep link to a case opens that case afterwards.
  if (!session) return <SignInPage />;
  const caseMatch = CASE_PATH.exec(location.path);
  return (
    <Shell session={session}>
      {caseMatch ? (
        <CasePage key={caseMatch[1]} caseId={decodeURIComponent(caseMatch[1])} session={session} />
      ) : location.path === '/audit' && hasRole(session, 'supervisor') ? (
        <AuditPage />
      ) : (
        <QueuePage session={session} params={location.params} />
      )}
    </Shell>
  );
}

function Shell({ session, children }: { session: Session; children: ReactNode }) {
  const t = useT();
  const [help, setHelp] = useState(false);
  useShortcuts({
    '?': () => setHelp((shown) => !shown),
    Escape: () => setHelp(false),
    q: () => navigate('/'),
  });
  useSessionExpiry(session);

  const leave = (): void => {
    // Clears the queue dashboard's cookie too; the page signs out whatever it answers.
    void send('DELETE', '/v1/backoffice/session').catch(() => undefined);
    signOut(null);
  };

  return (
    <div className="shell">
      <header className="topbar">
        <Link to="/" className="brand" data-testid="nav-queue">
          {t('nav.brand')} <span>{t('nav.brandSub')}</span>
        </Link>
        <nav className="topnav">
          <Link to="/">{t('nav.queue')}</Link>
          {hasRole(session, 'supervisor') && (
            <Link to="/audit" data-testid="nav-audit">
              {t('nav.audit')}
            </Link>
          )}
          {hasRole(session, 'supervisor') && (
            <a
              href="/admin/queues"
              target="_blank"
              rel="noreferrer"
              data-testid="admin-queues-link"
            >
              {t('nav.queueDashboard')}
            </a>
          )}
        </nav>
        <div className="who">
          <LanguageSwitch />
          <button
            type="button"
            className="button ghost small"
            onClick={() => setHelp(true)}
            data-testid="shortcuts-button"
            title={t('nav.shortcutsTitle')}
          >
            {t('nav.shortcuts')} <kbd className="kbd">?</kbd>
          </button>
          <span className="user" data-testid="current-user">
            <strong>{session.sub}</strong>
            <span className="muted">
              {' · '}
              {session.roles.map((role) => t(`role.${role}`)).join(t('list.separator'))}
            </span>
          </span>
          <button
            type="button"
            className="button ghost small"
            onClick={leave}
            data-testid="sign-out"
          >
            {t('nav.signOut')}
          </button>
        </div>
      </header>
      <main className="content">{children}</main>
      {help && <ShortcutsHelp onClose={() => setHelp(false)} />}
    </div>
  );
}

function useSessionExpiry(session: Session): void {
  useEffect(() => {
    if (!session.expiresAt) return;
    const left = Date.parse(session.expiresAt) - Date.now();
    // setTimeout cannot wait longer than about 24.8 days.
    if (left > 2_000_000_000) return;
    const timer = window.setTimeout(() => signOut('expired'), Math.max(0, left));
    return () => window.clearTimeout(timer);
  }, [session.expiresAt]);
}
