import { useImperativeHandle, useRef, useState, type FormEvent, type Ref } from 'react';
import type { Problem } from '../api/client';
import type { CaseKind, DecisionBody, DecisionOutcome, ReasonCode } from '../api/types';
import { Kbd } from '../shortcuts';
import { ProblemView } from '../ui/states';

export interface DecisionFormHandle {
  /** Chooses an outcome and puts the focus where the next thing to do is. */
  choose(outcome: DecisionOutcome): void;
}

const LABELS: Record<CaseKind, Record<DecisionOutcome, string>> = {
  manual_review: {
    approve: 'Approve',
    reject: 'Reject',
    request_reupload: 'Request a new upload',
  },
  appeal: {
    approve: 'Uphold the appeal (a supervisor approves it next)',
    reject: 'Deny the appeal',
    request_reupload: 'Request a new upload',
  },
};

const KEYS: Record<DecisionOutcome, string> = { approve: 'a', reject: 'x', request_reupload: 'u' };

export function DecisionForm({
  kind,
  reasonCodes,
  reasonProblem,
  busy,
  problem,
  onSubmit,
  ref,
}: {
  kind: CaseKind;
  reasonCodes: ReasonCode[] | null;
  reasonProblem: Problem | null;
  busy: boolean;
  problem: Problem | null;
  onSubmit: (body: DecisionBody) => Promise<boolean>;
  ref?: Ref<DecisionFormHandle>;
}) {
  const [outcome, setOutcome] = useState<DecisionOutcome | null>(null);
  const [reasonCode, setReasonCode] = useState('');
  const [userMessage, setUserMessage] = useState('');
  const [internalNote, setInternalNote] = useState('');
  const [final, setFinal] = useState(false);
  const [missing, setMissing] = useState<string | null>(null);
  const reasonRef = useRef<HTMLSelectElement>(null);
  const messageRef = useRef<HTMLTextAreaElement>(null);
  const submitRef = useRef<HTMLButtonElement>(null);

  useImperativeHandle(ref, () => ({
    choose(next) {
      setOutcome(next);
      setMissing(null);
      // After the fields for that outcome are rendered.
      window.setTimeout(() => {
        if (next === 'reject') reasonRef.current?.focus();
        else if (next === 'request_reupload') messageRef.current?.focus();
        else submitRef.current?.focus();
      });
    },
  }));

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (!outcome) return setMissing('Choose an outcome.');
    if (outcome === 'reject' && !reasonCode) return setMissing('Choose a reason.');
    if (outcome !== 'approve' && !userMessage.trim())
      return setMissing('Write the message the user will see.');
    setMissing(null);
    const body: DecisionBody = { outcome };
    if (outcome === 'reject') {
      body.reasonCode = reasonCode;
      body.final = final;
    }
    if (userMessage.trim()) body.userMessage = userMessage.trim();
    if (internalNote.trim()) body.internalNote = internalNote.trim();
    const done = await onSubmit(body);
    if (done) {
      setOutcome(null);
      setReasonCode('');
      setUserMessage('');
      setInternalNote('');
      setFinal(false);
    }
  };

  return (
    <form className="panel form" onSubmit={submit} data-testid="decision-form">
      <h2>Decision</h2>
      <fieldset className="field outcomes">
        <legend>Outcome</legend>
        {(Object.keys(LABELS[kind]) as DecisionOutcome[]).map((option) => (
          <label key={option} className={`check outcome outcome-${option}`}>
            <input
              type="radio"
              name="outcome"
              value={option}
              checked={outcome === option}
              onChange={() => setOutcome(option)}
              data-testid={`decision-outcome-${option}`}
            />
            <span>
              {LABELS[kind][option]} <Kbd>{KEYS[option]}</Kbd>
            </span>
          </label>
        ))}
      </fieldset>
      {outcome === 'reject' && (
        <>
          <label className="field">
            <span>Reason</span>
            <select
              ref={reasonRef}
              value={reasonCode}
              onChange={(event) => setReasonCode(event.target.value)}
              data-testid="decision-reason-code"
              required
            >
              <option value="">{reasonCodes ? 'Choose a reason…' : 'Loading reasons…'}</option>
              {(reasonCodes ?? []).map((reason) => (
                <option key={reason.code} value={reason.code}>
                  {reason.label}
                </option>
              ))}
            </select>
          </label>
          {reasonProblem && (
            <ProblemView problem={reasonProblem} testId="reason-codes-error" compact />
          )}
        </>
      )}
      {outcome && (
        <label className="field">
          <span>
            Message to the user{' '}
            {outcome === 'approve' ? <span className="muted">(optional)</span> : null}
          </span>
          <textarea
            ref={messageRef}
            value={userMessage}
            onChange={(event) => setUserMessage(event.target.value)}
            rows={3}
            maxLength={1000}
            data-testid="decision-user-message"
            placeholder={
              outcome === 'request_reupload'
                ? 'Which document to upload again, and what was wrong with it'
                : 'What the user reads in the app'
            }
          />
        </label>
      )}
      {outcome && (
        <label className="field">
          <span>
            Internal note <span className="muted">(staff only)</span>
          </span>
          <textarea
            value={internalNote}
            onChange={(event) => setInternalNote(event.target.value)}
            rows={2}
            maxLength={2000}
            data-testid="decision-internal-note"
          />
        </label>
      )}
      {outcome === 'reject' && (
        <label className="check">
          <input
            type="checkbox"
            checked={final}
            onChange={(event) => setFinal(event.target.checked)}
            data-testid="decision-final"
          />
          <span>Final: the user may not submit again</span>
        </label>
      )}
      {missing && (
        <p className="field-error" role="alert" data-testid="decision-missing">
          {missing}
        </p>
      )}
      {problem && <ProblemView problem={problem} testId="decision-error" compact />}
      <button
        ref={submitRef}
        type="submit"
        className={outcome === 'reject' ? 'button danger' : 'button primary'}
        disabled={busy || !outcome}
        data-testid="decision-submit"
      >
        {busy
          ? 'Sending…'
          : outcome
            ? `Send: ${LABELS[kind][outcome].split(' (')[0]}`
            : 'Choose an outcome'}
      </button>
    </form>
  );
}
