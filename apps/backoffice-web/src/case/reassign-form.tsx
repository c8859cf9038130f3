import { useState, type FormEvent } from 'react';
import { problemOf, type Problem } from '../api/client';
import { useStaff } from '../api/queries';
import type { CaseKind } from '../api/types';
import { translateOr, useT } from '../i18n/i18n';
import { ProblemView } from '../ui/states';

/** Who may take cases of `kind`, from the staff directory, as a select. */
export function StaffSelect({
  kind,
  value,
  onChange,
  exclude,
  testId,
}: {
  kind: CaseKind | null;
  value: string;
  onChange: (staffId: string) => void;
  exclude?: string | null;
  testId: string;
}) {
  const t = useT();
  const staff = useStaff(kind);
  if (staff.isError) return <ProblemView problem={problemOf(staff.error)} compact />;
  const choices = (staff.data?.items ?? []).filter((member) => member.id !== exclude);
  return (
    <select
      value={value}
      onChange={(event) => onChange(event.target.value)}
      disabled={!staff.data}
      data-testid={testId}
    >
      <option value="">
        {staff.data ? t('staff.choose', { count: choices.length }) : t('staff.loading')}
      </option>
      {choices.map((member) => (
        <option key={member.id} value={member.id}>
          {member.id} ·{' '}
          {member.roles
            .map((role) => translateOr(t, `role.${role}`, role))
            .join(t('list.separator'))}
        </option>
      ))}
    </select>
  );
}

/** A supervisor hands the case to another staff member, chosen from those who exist. */
export function ReassignForm({
  kind,
  assignee,
  busy,
  problem,
  onReassign,
}: {
  kind: CaseKind;
  assignee: string | null;
  busy: boolean;
  problem: Problem | null;
  onReassign: (to: string, note: string) => Promise<boolean>;
}) {
  const t = useT();
  const [to, setTo] = useState('');
  const [note, setNote] = useState('');

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (await onReassign(to, note.trim())) {
      setTo('');
      setNote('');
    }
  };

  return (
    <form className="panel form" onSubmit={submit} data-testid="reassign-form">
      <h2>{t('reassign.title')}</h2>
      <label className="field">
        <span>{t('reassign.to')}</span>
        <StaffSelect
          kind={kind}
          value={to}
          onChange={setTo}
          exclude={assignee}
          testId="reassign-to"
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
      <button type="submit" className="button" disabled={busy || !to} data-testid="action-reassign">
        {t('reassign.submit')}
      </button>
    </form>
  );
}
