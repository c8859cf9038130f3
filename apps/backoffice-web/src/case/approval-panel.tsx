import { useImperativeHandle, useRef, useState, type Ref } from 'react';
import type { Problem } from '../api/client';
import type { CaseDetail } from '../api/types';
import { formatTime } from '../format';
import { translateOr, useT } from '../i18n/i18n';
import { Kbd } from '../shortcuts';
import { ProblemView } from '../ui/states';

export interface ApprovalPanelHandle {
  focus(approve: boolean): void;
}

/**
 * A supervisor's second approval of an appeal another staff member proposes to uphold.
 * The case's detail leaves the proposer's internal note out (there is no decision yet):
 * `proposalNote` is that note as the timeline's UpholdProposed entry has it.
 */
export function ApprovalPanel({
  detail,
  proposalNote,
  busy,
  problem,
  onDecide,
  ref,
}: {
  detail: CaseDetail;
  proposalNote: string | null;
  busy: boolean;
  problem: Problem | null;
  onDecide: (approve: boolean, note: string) => Promise<boolean>;
  ref?: Ref<ApprovalPanelHandle>;
}) {
  const t = useT();
  const [note, setNote] = useState('');
  const approveRef = useRef<HTMLButtonElement>(null);
  const rejectRef = useRef<HTMLButtonElement>(null);
  useImperativeHandle(ref, () => ({
    focus: (approve) => (approve ? approveRef : rejectRef).current?.focus(),
  }));
  const proposal = detail.proposal;

  const decide = async (approve: boolean): Promise<void> => {
    if (await onDecide(approve, note.trim())) setNote('');
  };

  return (
    <section className="panel approval" data-testid="approval-panel">
      <h2>{t('approval.title')}</h2>
      {proposal && (
        <p data-testid="approval-proposal" data-proposed-by={proposal.proposedBy}>
          {t('approval.proposes', {
            who: proposal.proposedBy,
            action: translateOr(t, `approval.action.${proposal.outcome}`, proposal.outcome),
            time: formatTime(t, proposal.proposedAt),
          })}
        </p>
      )}
      {proposalNote && (
        <p className="muted" data-testid="approval-proposal-note">
          {t('approval.theirNote')} <q>{proposalNote}</q>
        </p>
      )}
      <label className="field">
        <span>{t('approval.note')}</span>
        <textarea
          value={note}
          onChange={(event) => setNote(event.target.value)}
          rows={2}
          data-testid="approval-note"
        />
      </label>
      {problem && <ProblemView problem={problem} testId="approval-error" compact />}
      <div className="button-row">
        <button
          ref={approveRef}
          type="button"
          className="button primary"
          disabled={busy}
          onClick={() => void decide(true)}
          data-testid="approval-approve"
        >
          {t('approval.approve')} <Kbd>a</Kbd>
        </button>
        <button
          ref={rejectRef}
          type="button"
          className="button danger"
          disabled={busy}
          onClick={() => void decide(false)}
          data-testid="approval-reject"
        >
          {t('approval.sendBack')} <Kbd>x</Kbd>
        </button>
      </div>
    </section>
  );
}
