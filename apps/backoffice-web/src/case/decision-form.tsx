import { useEffect, useImperativeHandle, useRef, useState, type FormEvent, type Ref } from 'react';
import type { Problem } from '../api/client';
import type { CaseKind, DecisionBody, DecisionOutcome, ReasonCode } from '../api/types';
import { useT } from '../i18n/i18n';
import { DEFAULT_LANGUAGE, LANGUAGES, type Language, type MessageId } from '../i18n/messages';
import { Kbd } from '../shortcuts';
import { ProblemView } from '../ui/states';
import { defaultUserMessage, reasonLabel } from './reason-codes';

export interface DecisionFormHandle {
  /** Chooses an outcome and puts the focus where the next thing to do is. */
  choose(outcome: DecisionOutcome): void;
}

const OUTCOMES: DecisionOutcome[] = ['approve', 'reject', 'request_reupload'];
const KEYS: Record<DecisionOutcome, string> = { approve: 'a', reject: 'x', request_reupload: 'u' };

function outcomeLabel(kind: CaseKind, outcome: DecisionOutcome): MessageId {
  return `decision.${kind}.${outcome}`;
}

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
  const t = useT();
  const [outcome, setOutcome] = useState<DecisionOutcome | null>(null);
  const [reasonCode, setReasonCode] = useState('');
  const [userMessage, setUserMessage] = useState('');
  // The user reads the message in their own language, mainland users Chinese: the
  // default message is in zh-CN whatever language the reviewer works in.
  const [messageLanguage, setMessageLanguage] = useState<Language>(DEFAULT_LANGUAGE);
  const [internalNote, setInternalNote] = useState('');
  const [final, setFinal] = useState(false);
  const [missing, setMissing] = useState<MessageId | null>(null);
  const reasonRef = useRef<HTMLSelectElement>(null);
  const messageRef = useRef<HTMLTextAreaElement>(null);
  const submitRef = useRef<HTMLButtonElement>(null);

  // The reason's default message fills the field until the reviewer edits it; choosing
  // another reason or language replaces an unedited message.
  const suggested = defaultUserMessage(messageLanguage, kind, outcome, reasonCode);
  const lastSuggested = useRef('');
  useEffect(() => {
    setUserMessage((current) =>
      current === '' || current === lastSuggested.current ? suggested : current,
    );
    lastSuggested.current = suggested;
  }, [suggested]);

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
    if (!outcome) return setMissing('decision.missing.outcome');
    if (outcome === 'reject' && !reasonCode) return setMissing('decision.missing.reason');
    if (outcome !== 'approve' && !userMessage.trim()) {
      return setMissing('decision.missing.message');
    }
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

  const unedited = suggested !== '' && userMessage === suggested;

  return (
    <form className="panel form" onSubmit={submit} data-testid="decision-form">
      <h2>{t('decision.title')}</h2>
      <fieldset className="field outcomes">
        <legend>{t('decision.outcome')}</legend>
        {OUTCOMES.map((option) => (
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
              {t(outcomeLabel(kind, option))} <Kbd>{KEYS[option]}</Kbd>
            </span>
          </label>
        ))}
      </fieldset>
      {outcome === 'reject' && (
        <>
          <label className="field">
            <span>{t('decision.reason')}</span>
            <select
              ref={reasonRef}
              value={reasonCode}
              onChange={(event) => setReasonCode(event.target.value)}
              data-testid="decision-reason-code"
              required
            >
              <option value="">
                {reasonCodes ? t('decision.chooseReason') : t('decision.loadingReasons')}
              </option>
              {(reasonCodes ?? []).map((reason) => (
                <option key={reason.code} value={reason.code}>
                  {reasonLabel(t, kind, reason.code, reason.label)}
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
        <div className="field">
          <span className="field-head">
            <label htmlFor="decision-user-message">
              {t('decision.message')}{' '}
              {outcome === 'approve' ? <span className="muted">{t('common.optional')}</span> : null}
            </label>
            {outcome !== 'approve' && (
              <select
                className="message-language"
                value={messageLanguage}
                onChange={(event) => setMessageLanguage(event.target.value as Language)}
                aria-label={t('decision.messageLanguage')}
                title={t('decision.messageLanguage')}
                data-testid="decision-message-language"
              >
                {LANGUAGES.map((option) => (
                  <option key={option} value={option} lang={option}>
                    {t(`language.${option}`)}
                  </option>
                ))}
              </select>
            )}
          </span>
          <textarea
            id="decision-user-message"
            ref={messageRef}
            value={userMessage}
            onChange={(event) => setUserMessage(event.target.value)}
            rows={4}
            maxLength={500}
            lang={messageLanguage}
            data-testid="decision-user-message"
            data-default={unedited ? 'true' : 'false'}
            placeholder={
              outcome === 'request_reupload'
                ? t('decision.message.placeholder.reupload')
                : t('decision.message.placeholder')
            }
          />
          {unedited && (
            <span className="hint" data-testid="decision-default-hint">
              {t('decision.defaultMessageHint')}
            </span>
          )}
        </div>
      )}
      {outcome && (
        <label className="field">
          <span>
            {t('decision.internalNote')} <span className="muted">{t('decision.staffOnly')}</span>
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
          <span>{t('decision.final')}</span>
        </label>
      )}
      {missing && (
        <p className="field-error" role="alert" data-testid="decision-missing">
          {t(missing)}
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
          ? t('decision.sending')
          : outcome
            ? t('decision.send', { action: t(`decision.short.${kind}.${outcome}`) })
            : t('decision.chooseOutcome')}
      </button>
    </form>
  );
}
