import { useState, type FormEvent } from 'react';
import { postJson, problemOf, type Problem } from '../api/client';
import { keys, queryClient } from '../api/queries';
import type { Revealed, RevealField } from '../api/types';
import { useT } from '../i18n/i18n';
import { ProblemView } from '../ui/states';

type Choice = RevealField | 'both';

const FIELDS: Record<Choice, RevealField[]> = {
  name: ['name'],
  idNumber: ['idNumber'],
  both: ['name', 'idNumber'],
};
const MIN = 10;
const MAX = 500;

/**
 * Shows unmasked values after a justification; the API records each on the timeline.
 * "Both" compares the applicant with the certificates in one step: the API reveals one
 * field a call, so it is two reveals with the one justification.
 */
export function RevealPanel({ caseId }: { caseId: string }) {
  const t = useT();
  const [choice, setChoice] = useState<Choice>('both');
  const [justification, setJustification] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [revealed, setRevealed] = useState<Revealed[]>([]);
  const length = justification.trim().length;

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    const shown: Revealed[] = [];
    try {
      for (const field of FIELDS[choice]) {
        const answer = await postJson<Revealed>(
          `/v1/backoffice/cases/${encodeURIComponent(caseId)}/reveal`,
          { field, justification: justification.trim() },
        );
        if (answer) shown.push(answer);
      }
      setJustification('');
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setRevealed(shown);
      setBusy(false);
      void queryClient.invalidateQueries({ queryKey: keys.timeline(caseId) });
    }
  };

  return (
    <form className="panel form" onSubmit={submit} data-testid="reveal-form">
      <h2>{t('reveal.title')}</h2>
      <p className="muted">{t('reveal.recorded')}</p>
      {revealed.length > 0 && (
        <div className="revealed" data-testid="reveal-result">
          <dl>
            {revealed.map((item) => (
              <div key={item.field} data-field={item.field}>
                <dt>{t(`field.${item.field}`)}</dt>
                <dd>
                  <strong lang="zh-Hans" data-testid="reveal-value" data-field={item.field}>
                    {item.value}
                  </strong>
                </dd>
              </div>
            ))}
          </dl>
          <button
            type="button"
            className="button ghost small"
            onClick={() => setRevealed([])}
            data-testid="reveal-hide"
          >
            {t('reveal.hide')}
          </button>
        </div>
      )}
      <label className="field">
        <span>{t('reveal.field')}</span>
        <select
          value={choice}
          onChange={(event) => setChoice(event.target.value as Choice)}
          data-testid="reveal-field"
        >
          <option value="both">{t('reveal.field.both')}</option>
          <option value="name">{t('field.name')}</option>
          <option value="idNumber">{t('field.idNumber')}</option>
        </select>
      </label>
      <label className="field">
        <span>
          {t('reveal.justification')}{' '}
          <span className={length > 0 && length < MIN ? 'counter short' : 'counter'}>
            {length}/{MAX}
          </span>
        </span>
        <textarea
          value={justification}
          onChange={(event) => setJustification(event.target.value)}
          rows={2}
          maxLength={MAX}
          placeholder={t('reveal.placeholder', { min: MIN })}
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
        {busy ? t('reveal.revealing') : t('reveal.submit')}
      </button>
    </form>
  );
}
