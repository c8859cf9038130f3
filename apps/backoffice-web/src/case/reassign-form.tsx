import { useState, type FormEvent } from 'react';
import type { Problem } from '../api/client';
import { useT } from '../i18n/i18n';
import { ProblemView } from '../ui/states';

/** A supervisor hands the case to another staff member. */
export function ReassignForm({
  busy,
  problem,
  onReassign,
}: {
  busy: boolean;
  problem: Problem | null;
  onReassign: (to: string, note: string) => Promise<boolean>;
}) {
  const t = useT();
  const [to, setTo] = useState('');
  const [note, setNote] = useState('');

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (await onReassign(to.trim(), note.trim())) {
      setTo('');
      setNote('');
    }
  };

  return (
    <form className="panel form" onSubmit={submit} data-testid="reassign-form">
      <h2>{t('reassign.title')}</h2>
      <label className="field">
        <span>{t('reassign.to')}</span>
        <input
          value={to}
          onChange={(event) => setTo(event.target.value)}
          maxLength={255}
          data-testid="reassign-to"
        />
      </label>
      <label className="field">
        <span>
          {t('reassign.note')} <span className="muted">{t('common.optional')}</span>
        </span>
        <input
          value={note}
          onChange={(event) => setNote(event.target.value)}
          maxLength={500}
          data-testid="reassign-note"
        />
      </label>
      {problem && <ProblemView problem={problem} testId="reassign-error" compact />}
      <button
        type="submit"
        className="button"
        disabled={busy || !to.trim()}
        data-testid="action-reassign"
      >
        {t('reassign.submit')}
      </button>
    </form>
  );
}
