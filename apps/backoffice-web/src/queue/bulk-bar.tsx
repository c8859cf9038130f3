import { useState } from 'react';
import { problemOf, type Problem } from '../api/client';
import { bulkAct } from '../api/queries';
import type { BulkCaseResult, CaseKind } from '../api/types';
import { StaffSelect } from '../case/reassign-form';
import { shortId } from '../format';
import { useT } from '../i18n/i18n';
import { ProblemView } from '../ui/states';

/**
 * A supervisor reassigns or releases the cases picked in the queue at once. Each case is
 * its own step: the outcome is listed case by case.
 */
export function BulkBar({
  kind,
  picked,
  onDone,
}: {
  kind: CaseKind;
  picked: string[];
  onDone: () => void;
}) {
  const t = useT();
  const [to, setTo] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [results, setResults] = useState<BulkCaseResult[] | null>(null);

  const run = async (action: 'bulk-reassign' | 'bulk-release'): Promise<void> => {
    setBusy(true);
    setProblem(null);
    try {
      const answer = await bulkAct(action, {
        caseIds: picked,
        ...(action === 'bulk-reassign' ? { to } : {}),
      });
      setResults(answer.results);
      onDone();
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  };

  const refused = results?.filter((r) => !r.ok) ?? [];
  return (
    <div className="toolbar bulk-bar" data-testid="bulk-bar">
      <strong data-testid="bulk-count">{t('bulk.selected', { count: picked.length })}</strong>
      <label className="field inline">
        <span>{t('bulk.reassignTo')}</span>
        <StaffSelect kind={kind} value={to} onChange={setTo} testId="bulk-reassign-to" />
      </label>
      <button
        type="button"
        className="button"
        disabled={busy || picked.length === 0 || !to}
        onClick={() => void run('bulk-reassign')}
        data-testid="bulk-reassign"
      >
        {t('bulk.reassign')}
      </button>
      <button
        type="button"
        className="button ghost"
        disabled={busy || picked.length === 0}
        onClick={() => void run('bulk-release')}
        data-testid="bulk-release"
      >
        {t('bulk.release')}
      </button>
      {problem && <ProblemView problem={problem} testId="bulk-error" compact />}
      {results && (
        <div role="status" data-testid="bulk-result">
          {t('bulk.done', { done: results.length - refused.length, refused: refused.length })}
          {refused.length > 0 && (
            <ul>
              {refused.map((r) => (
                <li key={r.caseId} data-testid="bulk-refused" data-code={r.problem?.code}>
                  <span className="mono">{shortId(r.caseId)}</span> {r.problem?.detail}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
