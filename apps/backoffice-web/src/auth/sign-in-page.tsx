import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { postJson, problemOf, send, type Problem } from '../api/client';
import { STAFF_ROLES, type IssuedToken, type StaffRole } from '../api/types';
import { LanguageSwitch, useT } from '../i18n/i18n';
import { ProblemView } from '../ui/states';
import {
  sessionFromToken,
  signIn,
  TokenError,
  useSignOutReason,
  type Session,
  type TokenProblem,
} from './session';

type Sandbox = 'checking' | 'on' | 'off' | 'unknown';

const LIFETIME_HOURS = [1, 8, 24];

/**
 * Whether the sandbox is on: its public clock answers 200, and 404 when the api runs
 * without the sandbox. Anything else (the api is down) leaves it unknown, and both ways
 * of signing in are offered.
 */
async function probeSandbox(): Promise<{ state: Sandbox; problem?: Problem }> {
  try {
    const response = await fetch('/v1/sandbox/clock', { headers: { Accept: 'application/json' } });
    if (response.ok) return { state: 'on' };
    if (response.status === 404) return { state: 'off' };
    return {
      state: 'unknown',
      problem: {
        title: 'The API did not answer as expected',
        status: response.status,
        code: 'api_unexpected',
      },
    };
  } catch {
    return {
      state: 'unknown',
      problem: {
        title: 'Cannot reach the API',
        status: 0,
        code: 'network_error',
        detail: 'Is the api running?',
      },
    };
  }
}

/**
 * Supervisors also get the queue dashboard's cookie, since /admin/queues is opened by
 * navigation and cannot carry the bearer header. A failure only costs that link.
 */
async function openAdminSession(session: Session): Promise<void> {
  if (!session.roles.includes('supervisor')) return;
  try {
    await send('POST', '/v1/backoffice/session', { token: session.token, body: {} });
  } catch (error) {
    console.warn('Could not open the queue dashboard session', error);
  }
}

export function SignInPage() {
  const t = useT();
  const reason = useSignOutReason();
  const [sandbox, setSandbox] = useState<Sandbox>('checking');
  const [probeProblem, setProbeProblem] = useState<Problem | null>(null);

  const probe = useCallback(() => {
    setSandbox('checking');
    void probeSandbox().then((result) => {
      setSandbox(result.state);
      setProbeProblem(result.problem ?? null);
    });
  }, []);
  useEffect(probe, [probe]);

  return (
    <main className="sign-in" data-testid="sign-in-page">
      <div className="sign-in-card">
        <LanguageSwitch />
        <h1>{t('signIn.title')}</h1>
        <p className="muted">{t('signIn.subtitle')}</p>
        {reason && (
          <p className="notice" data-testid="sign-in-reason">
            {t(`session.${reason}`)}
          </p>
        )}
        <p className="sandbox-status" data-testid="sandbox-status" data-sandbox={sandbox}>
          {t(`signIn.sandbox.${sandbox}`)}
        </p>
        {probeProblem && (
          <ProblemView problem={probeProblem} testId="sandbox-problem" onRetry={probe} compact />
        )}
        {(sandbox === 'on' || sandbox === 'unknown') && (
          <SandboxForm onSandboxOff={() => setSandbox('off')} />
        )}
        {sandbox !== 'checking' && <TokenForm open={sandbox === 'off'} />}
      </div>
    </main>
  );
}

function SandboxForm({ onSandboxOff }: { onSandboxOff: () => void }) {
  const t = useT();
  const [sub, setSub] = useState('rev-1');
  const [roles, setRoles] = useState<StaffRole[]>(['reviewer']);
  const [ttlSeconds, setTtlSeconds] = useState(8 * 3600);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);

  const toggle = (role: StaffRole): void =>
    setRoles((current) =>
      current.includes(role) ? current.filter((r) => r !== role) : [...current, role],
    );

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const issued = await postJson<IssuedToken>('/v1/sandbox/tokens', {
        sub: sub.trim(),
        roles,
        ttlSeconds,
      });
      if (!issued) {
        setProblem({ title: 'The sandbox issued no token', status: 0, code: 'sandbox_no_token' });
        setBusy(false);
        return;
      }
      const session = { ...sessionFromToken(issued.token), expiresAt: issued.expiresAt };
      await openAdminSession(session);
      signIn(session);
    } catch (error) {
      const found = problemOf(error);
      if (found.status === 404) onSandboxOff();
      setProblem(found);
      setBusy(false);
    }
  };

  return (
    <form className="form" onSubmit={submit} data-testid="sign-in-form">
      <h2>{t('signIn.sandboxForm.title')}</h2>
      <label className="field">
        <span>{t('signIn.staffId')}</span>
        <input
          value={sub}
          onChange={(event) => setSub(event.target.value)}
          required
          maxLength={255}
          autoComplete="username"
          data-testid="sign-in-sub"
        />
      </label>
      <fieldset className="field">
        <legend>{t('signIn.roles')}</legend>
        {STAFF_ROLES.map((role) => (
          <label key={role} className="check">
            <input
              type="checkbox"
              checked={roles.includes(role)}
              onChange={() => toggle(role)}
              data-testid={`sign-in-role-${role}`}
            />
            <span>
              {t(`role.${role}`)} <span className="muted">({t(`signIn.roleHint.${role}`)})</span>
            </span>
          </label>
        ))}
      </fieldset>
      <label className="field">
        <span>{t('signIn.sessionLength')}</span>
        <select
          value={ttlSeconds}
          onChange={(event) => setTtlSeconds(Number(event.target.value))}
          data-testid="sign-in-ttl"
        >
          {LIFETIME_HOURS.map((hours) => (
            <option key={hours} value={hours * 3600}>
              {t('signIn.lifetime', { hours })}
            </option>
          ))}
        </select>
      </label>
      {problem && <ProblemView problem={problem} testId="sign-in-error" compact />}
      <button
        type="submit"
        className="button primary"
        disabled={busy || roles.length === 0 || !sub.trim()}
        data-testid="sign-in-submit"
      >
        {busy ? t('signIn.submitting') : t('signIn.submit')}
      </button>
    </form>
  );
}

function TokenForm({ open }: { open: boolean }) {
  const t = useT();
  const [token, setToken] = useState('');
  const [error, setError] = useState<TokenProblem | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setError(null);
    let session: Session;
    try {
      session = sessionFromToken(token);
    } catch (failure) {
      if (!(failure instanceof TokenError)) throw failure;
      setError(failure.problem);
      return;
    }
    setBusy(true);
    await openAdminSession(session);
    signIn(session);
  };

  return (
    <details className="token-sign-in" open={open}>
      <summary>{t('signIn.token.summary')}</summary>
      <form className="form" onSubmit={submit} data-testid="token-form">
        <label className="field">
          <span>{t('signIn.token.label')}</span>
          <textarea
            value={token}
            onChange={(event) => setToken(event.target.value)}
            rows={4}
            spellCheck={false}
            autoComplete="off"
            placeholder="eyJhbGciOi…"
            data-testid="token-input"
          />
        </label>
        {error && (
          <p className="field-error" role="alert" data-testid="token-error">
            {t(`token.error.${error}`)}
          </p>
        )}
        <button
          type="submit"
          className="button"
          disabled={busy || !token.trim()}
          data-testid="token-submit"
        >
          {t('signIn.token.submit')}
        </button>
      </form>
    </details>
  );
}
