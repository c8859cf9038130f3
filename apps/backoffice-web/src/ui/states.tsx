import type { ReactNode } from 'react';
import type { Problem } from '../api/client';
import { useT, type Translate } from '../i18n/i18n';
import { useLanguage } from '../i18n/language';
import { isMessageId, type Language } from '../i18n/messages';

export function Loading({ testId = 'loading', label }: { testId?: string; label?: string }) {
  const t = useT();
  return (
    <div className="state state-loading" data-testid={testId} role="status">
      <span className="spinner" aria-hidden="true" />
      {label ?? t('state.loading')}
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

/**
 * A problem in the reader's words: the page's own sentence for a code it knows; for
 * any other code, the API's title and detail as it sent them. The code always shows.
 */
export function problemWords(
  t: Translate,
  language: Language,
  problem: Problem,
): { title: string; detail?: string } {
  const id = `problem.code.${problem.code}`;
  if (!isMessageId(id)) return { title: problem.title, detail: problem.detail };
  // The API's detail names the particulars (who holds the case); shown when it is in
  // the reader's language. Without Content-Language the API spoke English.
  const spoken = problem.language ?? 'en';
  const sameLanguage = spoken.toLowerCase().startsWith(language === 'en' ? 'en' : 'zh');
  return { title: t(id), detail: sameLanguage ? problem.detail : undefined };
}

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
  const t = useT();
  const { title, detail } = problemWords(t, useLanguage(), problem);
  return (
    <div className={compact ? 'problem compact' : 'problem'} role="alert" data-testid={testId}>
      <div className="problem-text">
        <strong data-testid="problem-title">{title}</strong>
        {detail && <span data-testid="problem-detail"> {detail}</span>}
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
          {t('problem.retry')}
        </button>
      )}
    </div>
  );
}
