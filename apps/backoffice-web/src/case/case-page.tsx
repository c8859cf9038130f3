import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, getJson, postJson, problemOf, type Problem } from '../api/client';
import type {
  CaseDetail,
  CaseDocument,
  DecisionBody,
  DecisionOutcome,
  ReasonCode,
  TimelineItem,
} from '../api/types';
import { hasRole, type Session } from '../auth/session';
import { syncClock, useNow } from '../clock';
import { formatDuration, formatTime, KIND_SINGULAR, shortId } from '../format';
import { claimNextCase } from '../queue/next-case';
import { Link, navigate } from '../router';
import { Kbd, useShortcuts } from '../shortcuts';
import { DueCountdown } from '../ui/due-countdown';
import { Loading, ProblemView } from '../ui/states';
import { EscalatedFlag, StatusBadge } from '../ui/status-badge';
import { ApprovalPanel, type ApprovalPanelHandle } from './approval-panel';
import { DecisionForm, type DecisionFormHandle } from './decision-form';
import { DocumentViewer } from './document-viewer';
import { loadReasonCodes } from './reason-codes';
import { ReassignForm } from './reassign-form';
import { RevealPanel } from './reveal-panel';
import { Timeline } from './timeline';

type Area = 'actions' | 'decision' | 'approval' | 'reassign';

export function CasePage({ caseId, session }: { caseId: string; session: Session }) {
  const base = `/v1/backoffice/cases/${encodeURIComponent(caseId)}`;
  const [detail, setDetail] = useState<CaseDetail | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [timeline, setTimeline] = useState<TimelineItem[] | null>(null);
  const [timelineProblem, setTimelineProblem] = useState<Problem | null>(null);
  const [reasonCodes, setReasonCodes] = useState<ReasonCode[] | null>(null);
  const [reasonProblem, setReasonProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState<Area | null>(null);
  const [actionProblem, setActionProblem] = useState<{ area: Area; problem: Problem } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const decisionRef = useRef<DecisionFormHandle>(null);
  const approvalRef = useRef<ApprovalPanelHandle>(null);

  const loadDetail = useCallback(async () => {
    try {
      setDetail(await getJson<CaseDetail>(base));
      setProblem(null);
    } catch (error) {
      setProblem(problemOf(error));
    }
  }, [base]);

  const loadTimeline = useCallback(async () => {
    try {
      const page = await getJson<{ items: TimelineItem[] }>(`${base}/timeline`);
      setTimeline(page.items);
      setTimelineProblem(null);
    } catch (error) {
      setTimelineProblem(problemOf(error));
    }
  }, [base]);

  useEffect(() => {
    void syncClock();
    void loadDetail();
    void loadTimeline();
  }, [loadDetail, loadTimeline]);

  const canDecide = detail?.allowedActions.includes('decide') ?? false;
  const kind = detail?.kind;
  useEffect(() => {
    if (!canDecide || !kind) return;
    loadReasonCodes().then(
      (codes) => setReasonCodes(codes[kind] ?? []),
      (error: unknown) => setReasonProblem(problemOf(error)),
    );
  }, [canDecide, kind]);

  /** Runs one action; the case as it answers replaces the shown one. */
  const act = async (area: Area, path: string, body: unknown, done?: string): Promise<boolean> => {
    setBusy(area);
    setActionProblem(null);
    setNotice(null);
    try {
      const next = await postJson<CaseDetail>(`${base}/${path}`, body);
      if (next) setDetail(next);
      if (done) setNotice(done);
      return true;
    } catch (error) {
      setActionProblem({ area, problem: problemOf(error) });
      // Someone else moved the case on: show it as it is now.
      if (error instanceof ApiError && error.status === 409) void loadDetail();
      return false;
    } finally {
      setBusy(null);
      void loadTimeline();
    }
  };

  const allowed = (action: CaseDetail['allowedActions'][number]): boolean =>
    detail?.allowedActions.includes(action) ?? false;

  const claim = (): void => void act('actions', 'claim', {}, 'You hold this case now.');
  const release = (): void =>
    void act('actions', 'release', {}, 'Released: the case is back in the queue.');
  const decide = (body: DecisionBody): Promise<boolean> =>
    act('decision', 'decision', body, 'Decision recorded.');
  const approve = (approveIt: boolean, note: string): Promise<boolean> =>
    act(
      'approval',
      'approval',
      { approve: approveIt, ...(note ? { note } : {}) },
      'Approval recorded.',
    );
  const reassign = (to: string, note: string): Promise<boolean> =>
    act('reassign', 'reassign', { to, ...(note ? { note } : {}) }, `Reassigned to ${to}.`);

  const awaitingApproval = detail?.status === 'awaiting_approval' && allowed('approve');
  // The pending proposal's note: the newest UpholdProposed entry on the timeline.
  const proposalNote = awaitingApproval ? latestProposalNote(timeline) : null;

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
      else
        setNotice(`Nothing to do: no open ${KIND_SINGULAR[detail.kind].toLowerCase()} is waiting.`);
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
  });

  if (problem && !detail) {
    return (
      <div className="case-page" data-testid="case-page">
        <BackLink />
        <ProblemView problem={problem} testId="case-error" onRetry={() => void loadDetail()} />
      </div>
    );
  }
  if (!detail) {
    return (
      <div className="case-page" data-testid="case-page">
        <BackLink />
        <Loading testId="case-loading" label="Loading the case…" />
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
            {KIND_SINGULAR[detail.kind]}{' '}
            <span className="mono" title={detail.id}>
              {shortId(detail.id)}
            </span>
          </h1>
          <div className="case-meta">
            <StatusBadge status={detail.status} outcome={detail.outcome} testId="case-status" />
            {detail.escalated && <EscalatedFlag />}
            <span>
              Due: <DueCountdown item={detail} testId="case-due" />
            </span>
            <span>
              Holder: <strong data-testid="case-assignee">{detail.assignee ?? 'nobody'}</strong>
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
              {detail.assignee === session.sub ? 'Renew claim' : 'Claim'} <Kbd>c</Kbd>
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
              Release <Kbd>r</Kbd>
            </button>
          )}
          <button
            type="button"
            className="button ghost"
            disabled={busy !== null}
            onClick={() => void nextCase()}
            data-testid="next-case"
          >
            Next case <Kbd>n</Kbd>
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
      {problem && (
        <ProblemView
          problem={problem}
          testId="case-refresh-error"
          onRetry={() => void loadDetail()}
          compact
        />
      )}

      <div className="case-layout">
        <div className="case-main">
          <section className="panel subject" data-testid="case-subject">
            <h2>Applicant</h2>
            <dl className="facts">
              <div>
                <dt>Account</dt>
                <dd className="mono" data-testid="case-account">
                  {detail.accountId}
                </dd>
              </div>
              {detail.holderAccountId && (
                <div>
                  <dt>Identity held by</dt>
                  <dd className="mono" data-testid="case-holder-account">
                    {detail.holderAccountId}
                  </dd>
                </div>
              )}
              {detail.subject ? (
                <>
                  <div>
                    <dt>Name</dt>
                    <dd className="subject-name" lang="zh-Hans" data-testid="case-subject-name">
                      {detail.subject.name}
                    </dd>
                  </div>
                  <div>
                    <dt>ID number</dt>
                    <dd className="mono" data-testid="case-subject-id-number">
                      {detail.subject.idNumber}
                    </dd>
                  </div>
                </>
              ) : (
                <div>
                  <dt>Identity</dt>
                  <dd className="muted" data-testid="case-subject-erased">
                    Personal data erased
                  </dd>
                </div>
              )}
              <div>
                <dt>Opened</dt>
                <dd>{formatTime(detail.openedAt)}</dd>
              </div>
            </dl>
          </section>

          {detail.reupload && detail.status === 'awaiting_user' && (
            <section className="panel notice" data-testid="reupload-notice">
              <strong>Waiting for a new upload</strong> ({detail.reupload.documentKind}, asked{' '}
              {formatTime(detail.reupload.requestedAt)}): <q>{detail.reupload.userMessage}</q>
            </section>
          )}

          <Documents caseId={detail.id} documents={detail.documents} />
          <Timeline
            items={timeline}
            problem={timelineProblem}
            onRetry={() => void loadTimeline()}
          />
        </div>

        <aside className="case-side">
          {detail.decision && <DecisionSummary decision={detail.decision} />}
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
              reasonCodes={reasonCodes}
              reasonProblem={reasonProblem}
              busy={busy === 'decision'}
              problem={problemFor('decision')}
              onSubmit={decide}
            />
          )}
          {!allowed('decide') && !awaitingApproval && isOpenForWork(detail) && (
            <p className="panel muted" data-testid="decision-unavailable">
              {allowed('claim')
                ? 'Claim the case to decide it.'
                : 'Only the holder decides this case.'}
            </p>
          )}
          {allowed('reassign') && hasRole(session, 'supervisor') && (
            <ReassignForm
              busy={busy === 'reassign'}
              problem={problemFor('reassign')}
              onReassign={reassign}
            />
          )}
          {allowed('reveal') && detail.subject && (
            <RevealPanel caseId={detail.id} onRevealed={() => void loadTimeline()} />
          )}
        </aside>
      </div>
    </div>
  );
}

function latestProposalNote(items: TimelineItem[] | null): string | null {
  const proposed = (items ?? []).filter((item) => item.type === 'UpholdProposed').at(-1);
  const note = proposed?.details?.internalNote;
  return typeof note === 'string' && note ? note : null;
}

function isOpenForWork(detail: CaseDetail): boolean {
  return detail.status === 'open' || detail.status === 'claimed';
}

function BackLink() {
  return (
    <Link to="/" className="back" data-testid="back-to-queue">
      ← Queue <Kbd>q</Kbd>
    </Link>
  );
}

function ClaimExpiry({ at }: { at: string }) {
  const now = useNow(1000);
  const left = Date.parse(at) - now;
  return (
    <span
      className={left < 5 * 60_000 ? 'claim-expiry soon' : 'claim-expiry'}
      data-testid="case-claim-expiry"
    >
      {left > 0 ? `claim lapses in ${formatDuration(left)}` : 'claim lapsed'}
    </span>
  );
}

function Documents({ caseId, documents }: { caseId: string; documents: CaseDocument[] }) {
  if (documents.length === 0) {
    return (
      <section className="panel" data-testid="documents">
        <h2>Documents</h2>
        <p className="muted" data-testid="documents-empty">
          No documents on this case.
        </p>
      </section>
    );
  }
  // The latest set (after a re-upload) first; older sets stay for comparison.
  const sets = [...new Set(documents.map((document) => document.set))].sort((a, b) => b - a);
  const latest = sets[0];
  return (
    <section className="panel" data-testid="documents">
      <h2>Documents</h2>
      {sets.map((set) => {
        const inSet = documents.filter((document) => document.set === set);
        return (
          <div key={set} className="document-set" data-testid="document-set" data-set={set}>
            {sets.length > 1 && (
              <h3>
                Upload {set}
                {set === latest ? ' (latest)' : ''}
              </h3>
            )}
            <div className="documents-grid">
              {inSet.map((document, index) => {
                const label = `Document ${index + 1} of ${inSet.length}`;
                // Erased with the identity it was uploaded for: nothing left to fetch.
                return document.erased ? (
                  <figure key={document.id} className="document" data-testid="document-erased">
                    <figcaption>
                      <strong>{label}</strong>
                    </figcaption>
                    <p className="muted">Erased with the personal data it belonged to.</p>
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

function DecisionSummary({ decision }: { decision: NonNullable<CaseDetail['decision']> }) {
  return (
    <section className="panel" data-testid="decision-summary">
      <h2>Decision</h2>
      <dl className="facts">
        <div>
          <dt>Outcome</dt>
          <dd data-testid="decision-summary-outcome">{decision.outcome}</dd>
        </div>
        {decision.reasonCode && (
          <div>
            <dt>Reason</dt>
            <dd className="mono">{decision.reasonCode}</dd>
          </div>
        )}
        {decision.userMessage && (
          <div>
            <dt>To the user</dt>
            <dd>{decision.userMessage}</dd>
          </div>
        )}
        {decision.internalNote && (
          <div>
            <dt>Internal note</dt>
            <dd>{decision.internalNote}</dd>
          </div>
        )}
        <div>
          <dt>Final</dt>
          <dd>{decision.final ? 'yes' : 'no'}</dd>
        </div>
        <div>
          <dt>By</dt>
          <dd>
            {decision.decidedBy}, {formatTime(decision.decidedAt)}
            {decision.approvedBy ? ` · approved by ${decision.approvedBy}` : ''}
          </dd>
        </div>
      </dl>
    </section>
  );
}
