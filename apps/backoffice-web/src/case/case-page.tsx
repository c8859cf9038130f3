import { useRef, useState, type ReactNode } from 'react';
import { ApiError, problemOf, type Problem } from '../api/client';
import {
  actOnCase,
  claimNextCase,
  refreshAll,
  useCase,
  useReasonCodes,
  useRefreshTogether,
  useTimeline,
} from '../api/queries';
import type {
  CaseAction,
  CaseDecision,
  CaseDetail,
  CaseDocument,
  CaseKind,
  DecisionBody,
  DecisionOutcome,
  TimelineItem,
} from '../api/types';
import { hasRole, type Session } from '../auth/session';
import { useNow } from '../clock';
import { formatDuration, formatTime, shortId } from '../format';
import { translateOr, useT } from '../i18n/i18n';
import { type MessageId } from '../i18n/messages';
import { Link, navigate } from '../router';
import { Kbd, useShortcuts } from '../shortcuts';
import { DueCountdown } from '../ui/due-countdown';
import { Loading, ProblemView } from '../ui/states';
import { EscalatedFlag, StatusBadge } from '../ui/status-badge';
import { ApprovalPanel, type ApprovalPanelHandle } from './approval-panel';
import { DecisionForm, type DecisionFormHandle } from './decision-form';
import { DocumentViewer } from './document-viewer';
import { reasonLabel } from './reason-codes';
import { ReassignForm } from './reassign-form';
import { RevealPanel, type RevealPanelHandle } from './reveal-panel';
import { Timeline } from './timeline';

type Area = 'actions' | 'decision' | 'approval' | 'reassign';

export function CasePage({ caseId, session }: { caseId: string; session: Session }) {
  const t = useT();
  const caseQuery = useCase(caseId);
  const timelineQuery = useTimeline(caseId);
  const detail = caseQuery.data ?? null;
  const canDecide = detail?.allowedActions.includes('decide') ?? false;
  const reasonQuery = useReasonCodes(canDecide);
  const [busy, setBusy] = useState<Area | null>(null);
  const [actionProblem, setActionProblem] = useState<{ area: Area; problem: Problem } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const decisionRef = useRef<DecisionFormHandle>(null);
  const approvalRef = useRef<ApprovalPanelHandle>(null);
  const revealRef = useRef<RevealPanelHandle>(null);

  useRefreshTogether();

  /** Runs one action; the case as it answers replaces the shown one. */
  const act = async (area: Area, path: string, body: unknown, done?: string): Promise<boolean> => {
    setBusy(area);
    setActionProblem(null);
    setNotice(null);
    try {
      await actOnCase(caseId, path, body);
      if (done) setNotice(done);
      return true;
    } catch (error) {
      setActionProblem({ area, problem: problemOf(error) });
      // Someone else moved the case on: the refresh shows it as it is now.
      if (error instanceof ApiError && error.status === 409) void refreshAll();
      return false;
    } finally {
      setBusy(null);
    }
  };

  const allowed = (action: CaseAction): boolean => detail?.allowedActions.includes(action) ?? false;

  const claim = (): void => void act('actions', 'claim', {}, t('case.notice.claimed'));
  const release = (): void => void act('actions', 'release', {}, t('case.notice.released'));
  const decide = (body: DecisionBody): Promise<boolean> =>
    act('decision', 'decision', body, t('case.notice.decided'));
  const approve = (approveIt: boolean, note: string): Promise<boolean> =>
    act(
      'approval',
      'approval',
      { approve: approveIt, ...(note ? { note } : {}) },
      t('case.notice.approval'),
    );
  const reassign = (to: string, note: string): Promise<boolean> =>
    act(
      'reassign',
      'reassign',
      { to, ...(note ? { note } : {}) },
      t('case.notice.reassigned', { to }),
    );

  const awaitingApproval = detail?.status === 'awaiting_approval' && allowed('approve');
  // The pending proposal's note: the newest UpholdProposed entry on the timeline.
  const proposalNote = awaitingApproval ? latestProposalNote(timelineQuery.data?.items) : null;

  const choose = (outcome: DecisionOutcome): void => {
    if (awaitingApproval && outcome !== 'request_reupload')
      approvalRef.current?.focus(outcome === 'approve');
    else if (allowed('decide')) decisionRef.current?.choose(outcome);
  };

  const nextCase = async (): Promise<void> => {
    if (!detail) return;
    setBusy('actions');
    setActionProblem(null);
    try {
      const claimed = await claimNextCase(detail.kind);
      if (claimed) navigate(`/cases/${encodeURIComponent(claimed.id)}`);
      else setNotice(t(`queue.nothingToDo.${detail.kind}`));
    } catch (error) {
      setActionProblem({ area: 'actions', problem: problemOf(error) });
    } finally {
      setBusy(null);
    }
  };

  useShortcuts({
    c: () => allowed('claim') && claim(),
    r: () => allowed('release') && release(),
    a: () => choose('approve'),
    x: () => choose('reject'),
    u: () => choose('request_reupload'),
    n: () => void nextCase(),
    i: () => allowed('compare') && revealRef.current?.compare(),
  });

  if (!detail) {
    return (
      <div className="case-page" data-testid="case-page">
        <BackLink />
        {caseQuery.isError ? (
          <ProblemView
            problem={problemOf(caseQuery.error)}
            testId="case-error"
            onRetry={() => void caseQuery.refetch()}
          />
        ) : (
          <Loading testId="case-loading" label={t('case.loading')} />
        )}
      </div>
    );
  }

  const problemFor = (area: Area): Problem | null =>
    actionProblem?.area === area ? actionProblem.problem : null;

  return (
    <div className="case-page" data-testid="case-page" data-case-id={detail.id}>
      <BackLink />
      <header className="case-header">
        <div>
          <h1>
            {t(`kind.${detail.kind}`)}{' '}
            <span className="mono" title={detail.id}>
              {shortId(detail.id)}
            </span>
          </h1>
          <div className="case-meta">
            <StatusBadge status={detail.status} outcome={detail.outcome} testId="case-status" />
            {detail.escalated && <EscalatedFlag />}
            <span>
              {t('case.due')}: <DueCountdown item={detail} testId="case-due" />
            </span>
            <span>
              {t('case.holder')}:{' '}
              <strong data-testid="case-assignee">{detail.assignee ?? t('case.nobody')}</strong>
            </span>
            {detail.claimExpiresAt && <ClaimExpiry at={detail.claimExpiresAt} />}
          </div>
        </div>
        <div className="button-row" data-testid="case-actions">
          {allowed('claim') && (
            <button
              type="button"
              className="button primary"
              disabled={busy !== null}
              onClick={claim}
              data-testid="action-claim"
            >
              {detail.assignee === session.sub ? t('case.renewClaim') : t('case.claim')}{' '}
              <Kbd>c</Kbd>
            </button>
          )}
          {allowed('release') && (
            <button
              type="button"
              className="button"
              disabled={busy !== null}
              onClick={release}
              data-testid="action-release"
            >
              {t('case.release')} <Kbd>r</Kbd>
            </button>
          )}
          <button
            type="button"
            className="button ghost"
            disabled={busy !== null}
            onClick={() => void nextCase()}
            data-testid="next-case"
          >
            {t('case.next')} <Kbd>n</Kbd>
          </button>
        </div>
      </header>
      {notice && (
        <p className="notice success" role="status" data-testid="action-notice">
          {notice}
        </p>
      )}
      {problemFor('actions') && (
        <ProblemView problem={problemFor('actions') as Problem} testId="action-error" compact />
      )}
      {caseQuery.isRefetchError && (
        <ProblemView
          problem={problemOf(caseQuery.error)}
          testId="case-refresh-error"
          onRetry={() => void caseQuery.refetch()}
          compact
        />
      )}

      <div className="case-layout">
        <div className="case-main">
          <Applicant detail={detail} />

          {detail.reupload && detail.status === 'awaiting_user' && (
            <section className="panel notice" data-testid="reupload-notice">
              <strong>{t('case.reupload.title')}</strong>
              {t('case.reupload.detail', {
                documentKind: translateOr(
                  t,
                  `documentKind.${detail.reupload.documentKind}`,
                  detail.reupload.documentKind,
                ),
                time: formatTime(t, detail.reupload.requestedAt),
              })}
              <q>{detail.reupload.userMessage}</q>
            </section>
          )}

          <Documents caseId={detail.id} documents={detail.documents} />
          <Timeline
            kind={detail.kind}
            items={timelineQuery.data?.items ?? null}
            problem={timelineQuery.isError ? problemOf(timelineQuery.error) : null}
            onRetry={() => void timelineQuery.refetch()}
          />
        </div>

        <aside className="case-side">
          {detail.decision && <DecisionSummary kind={detail.kind} decision={detail.decision} />}
          {awaitingApproval && (
            <ApprovalPanel
              ref={approvalRef}
              detail={detail}
              proposalNote={proposalNote}
              busy={busy === 'approval'}
              problem={problemFor('approval')}
              onDecide={approve}
            />
          )}
          {allowed('decide') && (
            <DecisionForm
              ref={decisionRef}
              kind={detail.kind}
              reasonCodes={reasonQuery.data?.[detail.kind] ?? null}
              reasonProblem={reasonQuery.isError ? problemOf(reasonQuery.error) : null}
              busy={busy === 'decision'}
              problem={problemFor('decision')}
              onSubmit={decide}
            />
          )}
          {!allowed('decide') && !awaitingApproval && isOpenForWork(detail) && (
            <p className="panel muted" data-testid="decision-unavailable">
              {allowed('claim')
                ? t('case.decisionUnavailable.claim')
                : t('case.decisionUnavailable.holder')}
            </p>
          )}
          {allowed('reassign') && hasRole(session, 'supervisor') && (
            <ReassignForm
              kind={detail.kind}
              assignee={detail.assignee}
              busy={busy === 'reassign'}
              problem={problemFor('reassign')}
              onReassign={reassign}
            />
          )}
          {allowed('reveal') && detail.subject && (
            <RevealPanel ref={revealRef} caseId={detail.id} canCompare={allowed('compare')} />
          )}
        </aside>
      </div>
    </div>
  );
}

function latestProposalNote(items: TimelineItem[] | undefined): string | null {
  const proposed = (items ?? []).filter((item) => item.type === 'UpholdProposed').at(-1);
  const note = proposed?.details?.internalNote;
  return typeof note === 'string' && note ? note : null;
}

function isOpenForWork(detail: CaseDetail): boolean {
  return detail.status === 'open' || detail.status === 'claimed';
}

function BackLink() {
  const t = useT();
  return (
    <Link to="/" className="back" data-testid="back-to-queue">
      ← {t('case.back')} <Kbd>q</Kbd>
    </Link>
  );
}

function ClaimExpiry({ at }: { at: string }) {
  const t = useT();
  const now = useNow(1000);
  const left = Date.parse(at) - now;
  return (
    <span
      className={left < 5 * 60_000 ? 'claim-expiry soon' : 'claim-expiry'}
      data-testid="case-claim-expiry"
      title={formatTime(t, at, now)}
    >
      {left > 0
        ? t('case.claimLapsesIn', { duration: formatDuration(t, left) })
        : t('case.claimLapsed')}
    </span>
  );
}

function Applicant({ detail }: { detail: CaseDetail }) {
  const t = useT();
  return (
    <section className="panel subject" data-testid="case-subject">
      <h2>{t('case.applicant')}</h2>
      <dl className="facts">
        <div>
          <dt>{t('case.account')}</dt>
          <dd className="mono" data-testid="case-account">
            {detail.accountId}
          </dd>
        </div>
        {detail.holderAccountId && (
          <div>
            <dt>{t('case.holderAccount')}</dt>
            <dd className="mono" data-testid="case-holder-account">
              {detail.holderAccountId}
            </dd>
          </div>
        )}
        {detail.subject ? (
          <>
            <div>
              <dt>{t('case.name')}</dt>
              <dd className="subject-name" lang="zh-Hans" data-testid="case-subject-name">
                {detail.subject.name}
              </dd>
            </div>
            <div>
              <dt>{t('case.idNumber')}</dt>
              <dd className="mono" data-testid="case-subject-id-number">
                {detail.subject.idNumber}
              </dd>
            </div>
          </>
        ) : (
          <div>
            <dt>{t('case.identity')}</dt>
            <dd className="muted" data-testid="case-subject-erased">
              {t('case.erased')}
            </dd>
          </div>
        )}
        <div>
          <dt>{t('case.opened')}</dt>
          <dd>{formatTime(t, detail.openedAt)}</dd>
        </div>
      </dl>
    </section>
  );
}

function Documents({ caseId, documents }: { caseId: string; documents: CaseDocument[] }) {
  const t = useT();
  if (documents.length === 0) {
    return (
      <section className="panel" data-testid="documents">
        <h2>{t('documents.title')}</h2>
        <p className="muted" data-testid="documents-empty">
          {t('documents.empty')}
        </p>
      </section>
    );
  }
  // The latest set (after a re-upload) first; older sets stay for comparison.
  const sets = [...new Set(documents.map((document) => document.set))].sort((a, b) => b - a);
  const latest = sets[0];
  return (
    <section className="panel" data-testid="documents">
      <h2>{t('documents.title')}</h2>
      {sets.map((set) => {
        const inSet = documents.filter((document) => document.set === set);
        return (
          <div key={set} className="document-set" data-testid="document-set" data-set={set}>
            {sets.length > 1 && (
              <h3>
                {t('documents.upload', { set })}
                {set === latest ? t('documents.latest') : ''}
              </h3>
            )}
            <div className="documents-grid">
              {inSet.map((document, index) => {
                const label = t('documents.label', { index: index + 1, count: inSet.length });
                // Erased with the identity it was uploaded for: nothing left to fetch.
                return document.erased ? (
                  <figure key={document.id} className="document" data-testid="document-erased">
                    <figcaption>
                      <strong>{label}</strong>
                    </figcaption>
                    <p className="muted">{t('documents.erased')}</p>
                  </figure>
                ) : (
                  <DocumentViewer
                    key={document.id}
                    caseId={caseId}
                    document={document}
                    label={label}
                  />
                );
              })}
            </div>
          </div>
        );
      })}
    </section>
  );
}

function Fact({
  label,
  children,
  testId,
}: {
  label: MessageId;
  children: ReactNode;
  testId?: string;
}) {
  const t = useT();
  return (
    <div>
      <dt>{t(label)}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}

/** The decision as made: its reason by label (the code is kept in the title). */
function DecisionSummary({ kind, decision }: { kind: CaseKind; decision: CaseDecision }) {
  const t = useT();
  return (
    <section className="panel" data-testid="decision-summary">
      <h2>{t('summary.title')}</h2>
      <dl className="facts">
        <Fact label="summary.outcome" testId="decision-summary-outcome">
          <span data-outcome={decision.outcome}>{t(`outcome.${decision.outcome}`)}</span>
        </Fact>
        {decision.reasonCode && (
          <Fact label="summary.reason" testId="decision-summary-reason">
            <span title={decision.reasonCode} data-reason-code={decision.reasonCode}>
              {reasonLabel(t, kind, decision.reasonCode)}
            </span>
          </Fact>
        )}
        {decision.userMessage && (
          <Fact label="summary.toUser" testId="decision-summary-message">
            {decision.userMessage}
          </Fact>
        )}
        {decision.internalNote && <Fact label="summary.internalNote">{decision.internalNote}</Fact>}
        <Fact label="summary.final">{decision.final ? t('common.yes') : t('common.no')}</Fact>
        <Fact label="summary.by" testId="decision-summary-by">
          {t('summary.byWhen', {
            who: decision.decidedBy,
            time: formatTime(t, decision.decidedAt),
          })}
          {decision.approvedBy ? t('summary.approvedBy', { who: decision.approvedBy }) : ''}
        </Fact>
      </dl>
    </section>
  );
}
