import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { postJson, problemOf, send, type Problem } from '../api/client';
import { STAFF_ROLES, type StaffRole } from '../api/types';
import { ProblemView } from '../ui/states';
import { sessionFromToken, signIn, useSignOutReason, type Session } from './session';

type Sandbox = 'checking' | 'on' | 'off' | 'unknown';

const ROLE_HINTS: Record<StaffRole, string> = {
  reviewer: 'manual reviews',
  support: 'appeals',
  supervisor: 'both, approvals, reassigning, metrics',
};

const LIFETIMES = [
  { seconds: 3600, label: '1 hour' },
  { seconds: 8 * 3600, label: '8 hours' },
  { seconds: 24 * 3600, label: '24 hours' },
];

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
        code: `http_${response.status}`,
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
        <h1>Shiming back office</h1>
        <p className="muted">Real-name verification: manual reviews and appeals.</p>
        {reason && (
          <p className="notice" data-testid="sign-in-reason">
            {reason}
          </p>
        )}
        <p className="sandbox-status" data-testid="sandbox-status" data-sandbox={sandbox}>
          {sandbox === 'checking' && 'Checking the API…'}
          {sandbox === 'on' && 'Sandbox: sign in as any staff member.'}
          {sandbox === 'off' && 'Sign in with a bearer token from your identity provider.'}
          {sandbox === 'unknown' && 'Could not tell whether the sandbox is on.'}
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
      const issued = await postJson<{ token: string; expiresAt: string }>('/v1/sandbox/tokens', {
        sub: sub.trim(),
        roles,
        ttlSeconds,
      });
      if (!issued) throw new Error('The sandbox issued no token.');
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
      <h2>Sandbox sign-in</h2>
      <label className="field">
        <span>Staff id</span>
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
        <legend>Roles</legend>
        {STAFF_ROLES.map((role) => (
          <label key={role} className="check">
            <input
              type="checkbox"
              checked={roles.includes(role)}
              onChange={() => toggle(role)}
              data-testid={`sign-in-role-${role}`}
            />
            <span>
              {role} <span className="muted">({ROLE_HINTS[role]})</span>
            </span>
          </label>
        ))}
      </fieldset>
      <label className="field">
        <span>Session length</span>
        <select
          value={ttlSeconds}
          onChange={(event) => setTtlSeconds(Number(event.target.value))}
          data-testid="sign-in-ttl"
        >
          {LIFETIMES.map((option) => (
            <option key={option.seconds} value={option.seconds}>
              {option.label}
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
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}

function TokenForm({ open }: { open: boolean }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setError(null);
    let session: Session;
    try {
      session = sessionFromToken(token);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
      return;
    }
    setBusy(true);
    await openAdminSession(session);
    signIn(session);
  };

  return (
    <details className="token-sign-in" open={open}>
      <summary>Paste a bearer token</summary>
      <form className="form" onSubmit={submit} data-testid="token-form">
        <label className="field">
          <span>Bearer token (JWT)</span>
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
            {error}
          </p>
        )}
        <button
          type="submit"
          className="button"
          disabled={busy || !token.trim()}
          data-testid="token-submit"
        >
          Use this token
        </button>
      </form>
    </details>
  );
}
