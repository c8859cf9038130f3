import type { ReactNode } from 'react';
import type { Problem } from '../api/client';

export function Loading({
  testId = 'loading',
  label = 'Loading…',
}: {
  testId?: string;
  label?: string;
}) {
  return (
    <div className="state state-loading" data-testid={testId} role="status">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function Empty({ testId, children }: { testId: string; children: ReactNode }) {
  return (
    <div className="state state-empty" data-testid={testId}>
      {children}
    </div>
  );
}

/** A problem from the API, as its title, detail and code say it. */
export function ProblemView({
  problem,
  testId = 'problem',
  onRetry,
  compact = false,
}: {
  problem: Problem;
  testId?: string;
  onRetry?: () => void;
  compact?: boolean;
}) {
  return (
    <div className={compact ? 'problem compact' : 'problem'} role="alert" data-testid={testId}>
      <div className="problem-text">
        <strong data-testid="problem-title">{problem.title}</strong>
        {problem.detail && <span data-testid="problem-detail"> {problem.detail}</span>}
        <span className="problem-code" data-testid="problem-code">
          {problem.status > 0 ? `${problem.status} · ` : ''}
          {problem.code}
        </span>
      </div>
      {onRetry && (
        <button
          type="button"
          className="button ghost"
          onClick={onRetry}
          data-testid={`${testId}-retry`}
        >
          Try again
        </button>
      )}
    </div>
  );
}
