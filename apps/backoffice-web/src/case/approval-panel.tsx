import { useImperativeHandle, useRef, useState, type Ref } from 'react';
import type { Problem } from '../api/client';
import type { CaseDetail } from '../api/types';
import { formatTime } from '../format';
import { Kbd } from '../shortcuts';
import { ProblemView } from '../ui/states';

export interface ApprovalPanelHandle {
  focus(approve: boolean): void;
}

/** A supervisor's second approval of an appeal another staff member proposes to uphold. */
export function ApprovalPanel({
  detail,
  busy,
  problem,
  onDecide,
  ref,
}: {
  detail: CaseDetail;
  busy: boolean;
  problem: Problem | null;
  onDecide: (approve: boolean, note: string) => Promise<boolean>;
  ref?: Ref<ApprovalPanelHandle>;
}) {
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
      <h2>Approval needed</h2>
      {proposal && (
        <p>
          <strong>{proposal.proposedBy}</strong> proposes to <strong>{proposal.outcome}</strong>{' '}
          this appeal ({formatTime(proposal.proposedAt)}).
        </p>
      )}
      {detail.decision?.internalNote && (
        <p className="muted">
          Their note: <q>{detail.decision.internalNote}</q>
        </p>
      )}
      <label className="field">
        <span>Note</span>
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
          Approve <Kbd>a</Kbd>
        </button>
        <button
          ref={rejectRef}
          type="button"
          className="button danger"
          disabled={busy}
          onClick={() => void decide(false)}
          data-testid="approval-reject"
        >
          Send back <Kbd>x</Kbd>
        </button>
      </div>
    </section>
  );
}
