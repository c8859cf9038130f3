import { forwardRef, useImperativeHandle, useRef, useState, type FormEvent } from 'react';
import { postJson, problemOf, type Problem } from '../api/client';
import { keys, queryClient } from '../api/queries';
import type { ComparedIdentity, Revealed, RevealField } from '../api/types';
import { useT } from '../i18n/i18n';
import { Kbd } from '../shortcuts';
import { ProblemView } from '../ui/states';

type Choice = RevealField | 'both';

const FIELDS: Record<Choice, RevealField[]> = {
  name: ['name'],
  idNumber: ['idNumber'],
  both: ['name', 'idNumber'],
};
const MIN = 10;
const MAX = 500;

export interface RevealPanelHandle {
  /** Readies the comparison of both fields: the justification, focused. */
  compare(): void;
}

/**
 * Shows unmasked values after a justification; the API records each on the timeline.
 * The holder compares the applicant with the certificates in one action (both fields,
 * one justification, one event); anyone else reveals one field at a time.
 */
export const RevealPanel = forwardRef<RevealPanelHandle, { caseId: string; canCompare: boolean }>(
  function RevealPanel({ caseId, canCompare }, ref) {
    const t = useT();
    const [choice, setChoice] = useState<Choice>(canCompare ? 'both' : 'name');
    const [justification, setJustification] = useState('');
    const [busy, setBusy] = useState(false);
    const [problem, setProblem] = useState<Problem | null>(null);
    const [revealed, setRevealed] = useState<Revealed[]>([]);
    const justificationRef = useRef<HTMLTextAreaElement>(null);
    const length = justification.trim().length;
    // The claim may have gone since the choice was made: one field then.
    const chosen: Choice = choice === 'both' && !canCompare ? 'name' : choice;

    useImperativeHandle(ref, () => ({
      compare: () => {
        if (!canCompare) return;
        setChoice('both');
        justificationRef.current?.focus();
      },
    }));

    const submit = async (event: FormEvent): Promise<void> => {
      event.preventDefault();
      setBusy(true);
      setProblem(null);
      let shown: Revealed[] = [];
      const path = `/v1/backoffice/cases/${encodeURIComponent(caseId)}`;
      try {
        if (chosen === 'both') {
          const answer = await postJson<ComparedIdentity>(`${path}/compare`, {
            justification: justification.trim(),
          });
          if (answer) {
            shown = FIELDS.both.map((field) => ({ field, value: answer[field] }));
          }
        } else {
          const answer = await postJson<Revealed>(`${path}/reveal`, {
            field: chosen,
            justification: justification.trim(),
          });
          if (answer) shown = [answer];
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
            value={chosen}
            onChange={(event) => setChoice(event.target.value as Choice)}
            data-testid="reveal-field"
          >
            {canCompare && <option value="both">{t('reveal.field.both')}</option>}
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
            ref={justificationRef}
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
          {busy ? t('reveal.revealing') : t(chosen === 'both' ? 'reveal.compare' : 'reveal.submit')}
        </button>
        {canCompare && (
          <p className="muted small">
            {t('reveal.compareHint')} <Kbd>i</Kbd>
          </p>
        )}
      </form>
    );
  },
);
