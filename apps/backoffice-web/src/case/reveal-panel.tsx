import { useState, type FormEvent } from 'react';
import { postJson, problemOf, type Problem } from '../api/client';
import type { RevealField } from '../api/types';
import { ProblemView } from '../ui/states';

const FIELD_LABELS: Record<RevealField, string> = { name: 'Name', idNumber: 'ID number' };
const MIN = 10;
const MAX = 500;

/** Shows one unmasked value after a justification; the API records both on the timeline. */
export function RevealPanel({ caseId, onRevealed }: { caseId: string; onRevealed: () => void }) {
  const [field, setField] = useState<RevealField>('name');
  const [justification, setJustification] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [revealed, setRevealed] = useState<{ field: RevealField; value: string } | null>(null);
  const length = justification.trim().length;

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const answer = await postJson<{ field: RevealField; value: string }>(
        `/v1/backoffice/cases/${encodeURIComponent(caseId)}/reveal`,
        { field, justification: justification.trim() },
      );
      if (answer) setRevealed(answer);
      setJustification('');
      onRevealed();
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="panel form" onSubmit={submit} data-testid="reveal-form">
      <h2>Reveal personal data</h2>
      <p className="muted">Every reveal is recorded with your justification.</p>
      {revealed && (
        <div className="revealed" data-testid="reveal-result">
          <span>{FIELD_LABELS[revealed.field]}</span>
          <strong lang="zh-Hans" data-testid="reveal-value">
            {revealed.value}
          </strong>
          <button
            type="button"
            className="button ghost small"
            onClick={() => setRevealed(null)}
            data-testid="reveal-hide"
          >
            Hide
          </button>
        </div>
      )}
      <label className="field">
        <span>Field</span>
        <select
          value={field}
          onChange={(event) => setField(event.target.value as RevealField)}
          data-testid="reveal-field"
        >
          <option value="name">{FIELD_LABELS.name}</option>
          <option value="idNumber">{FIELD_LABELS.idNumber}</option>
        </select>
      </label>
      <label className="field">
        <span>
          Justification{' '}
          <span className={length > 0 && length < MIN ? 'counter short' : 'counter'}>
            {length}/{MAX}
          </span>
        </span>
        <textarea
          value={justification}
          onChange={(event) => setJustification(event.target.value)}
          rows={2}
          maxLength={MAX}
          placeholder={`Why you need it (at least ${MIN} characters)`}
          data-testid="reveal-justification"
        />
      </label>
      {problem && <ProblemView problem={problem} testId="reveal-error" compact />}
      <button
        type="submit"
        className="button"
        disabled={busy || length < MIN}
        data-testid="reveal-submit"
      >
        {busy ? 'Revealing…' : 'Reveal'}
      </button>
    </form>
  );
}
