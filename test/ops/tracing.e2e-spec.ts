// First: tracing starts before anything it instruments loads.
import { spanExporter, tracing } from '../support/tracing';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { DataSource } from 'typeorm';
import { newIdNumber, png, Sandbox, type Account } from '../support/journey';

const traceOf = (span: ReadableSpan) => span.spanContext().traceId;
const linkedTraces = (span: ReadableSpan) => span.links.map((link) => link.context.traceId);

/** The traces reachable from `from` through links, either way (a link joins two traces). */
function reachable(spans: readonly ReadableSpan[], from: string): Set<string> {
  const neighbours = new Map<string, Set<string>>();
  const join = (a: string, b: string) => neighbours.set(a, (neighbours.get(a) ?? new Set()).add(b));
  for (const span of spans) {
    for (const linked of linkedTraces(span)) {
      join(traceOf(span), linked);
      join(linked, traceOf(span));
    }
  }
  const reached = new Set([from]);
  for (const trace of reached) for (const next of neighbours.get(trace) ?? []) reached.add(next);
  return reached;
}

describe('ops: a manual review traced from upload to decision (in-memory exporter)', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await Sandbox.start({ OTEL_ENABLED: 'true' });
  });

  afterAll(async () => {
    await sandbox?.stop();
    await tracing.shutdown();
  });

  beforeEach(() => spanExporter.reset());

  async function applied(account: Account): Promise<string> {
    await account.start();
    await account.submitIdentity(newIdNumber('999'));
    const uploaded = await account
      .upload('/v1/verification/manual-review', { certificates: [png(), png()] })
      .expect(202);
    return uploaded.body.case.id as string;
  }

  const named = (pattern: RegExp) =>
    spanExporter.getFinishedSpans().filter((span) => pattern.test(span.name));
  const only = (pattern: RegExp) => {
    const found = named(pattern);
    expect(found).toHaveLength(1);
    return found[0];
  };

  it('links the spans of the decision to those of the upload through the events', async () => {
    const account = await sandbox.account();
    const caseId = await applied(account);
    const reviewer = await sandbox.staff(['reviewer']);
    // The case is opened by a subscription, after the upload's answer.
    await sandbox.eventually(() => reviewer.caseOf(caseId));
    await reviewer.take(caseId);
    await reviewer.decide(caseId, { outcome: 'approve' }).expect(200);
    await account.waitForState('bank_card_required');

    const spans = spanExporter.getFinishedSpans();
    const upload = only(/^POST \/v1\/verification\/manual-review$/);
    const decision = only(/^POST \/v1\/backoffice\/cases\/:caseId\/decision$/);
    const inTrace = (span: ReadableSpan) =>
      spans.filter((s) => traceOf(s) === traceOf(span)).map((s) => s.name);

    // In each request's trace: its command, the append of its events, and their SQL.
    expect(inTrace(upload)).toEqual(
      expect.arrayContaining([
        'command RequestManualReview',
        'append verification',
        expect.stringMatching(/^pg\.query/),
      ]),
    );
    expect(inTrace(decision)).toEqual(
      expect.arrayContaining(['command DecideCase', 'append case']),
    );
    // A subscription's batch links to the spans that appended its events: the case is
    // opened in reaction to the upload, the queue updated in reaction to the decision.
    const intake = named(/^subscription backoffice-case-intake$/);
    expect(intake.some((span) => linkedTraces(span).includes(traceOf(upload)))).toBe(true);
    const reacting = await sandbox.eventually(async () => {
      const found = named(/^subscription backoffice-case-queue$/).filter((span) =>
        linkedTraces(span).includes(traceOf(decision)),
      );
      expect(found.length).toBeGreaterThan(0);
      return found;
    });
    expect(reacting[0].attributes['shiming.events']).toBeGreaterThan(0);
    // Through those links (and each command's to the event its stream ended with) the
    // decision's trace reaches the upload's.
    expect(reachable(spans, traceOf(decision)).has(traceOf(upload))).toBe(true);
    expect(only(/^command DecideCase$/).links.length).toBeGreaterThan(0);

    // The events keep the trace context of the span that appended them.
    const [row] = await sandbox.app
      .get(DataSource)
      .query(
        `SELECT metadata FROM es_events WHERE stream_id = $1 ORDER BY stream_version LIMIT 1`,
        [`case-${caseId}`],
      );
    expect(row.metadata.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
  });

  it('links the firing of a timer that a request armed to that request, by a link and not a parent', async () => {
    const account = await sandbox.account();
    const caseId = await applied(account);
    const reviewer = await sandbox.staff(['reviewer']);
    await sandbox.eventually(() => reviewer.caseOf(caseId));
    // The claim arms the claim's lapse timer in the request's own command.
    await reviewer.take(caseId);
    await sandbox.advance('PT31M');
    await sandbox.eventually(async () =>
      expect(await reviewer.caseOf(caseId)).toMatchObject({ status: 'open', assignee: null }),
    );

    const claim = only(/^POST \/v1\/backoffice\/cases\/:caseId\/claim$/);
    // The firing span starts its own unit of work (here inside the sandbox's advance of
    // the clock; in a worker, a trace of its own) and links back to the claim's trace.
    const lapse = await sandbox.eventually(async () => {
      const found = named(/^timer case_claim_lapse$/).filter((span) =>
        linkedTraces(span).includes(traceOf(claim)),
      );
      expect(found).toHaveLength(1);
      return found[0];
    });
    expect(traceOf(lapse)).not.toBe(traceOf(claim));
    expect(lapse.attributes['shiming.timer_kind']).toBe('case_claim_lapse');
    const [timer] = await sandbox.app
      .get(DataSource)
      .query(`SELECT trace FROM wf_timers WHERE stream_id = $1 AND kind = 'case_claim_lapse'`, [
        `case-${caseId}`,
      ]);
    expect(timer.trace.traceparent).toContain(traceOf(claim));
    // The events the firing's command appends carry the firing's trace.
    const [lapsed] = await sandbox.app
      .get(DataSource)
      .query(`SELECT metadata FROM es_events WHERE stream_id = $1 AND event_type = 'ClaimLapsed'`, [
        `case-${caseId}`,
      ]);
    expect(lapsed.metadata.traceparent).toContain(traceOf(lapse));
  });

  it('links the timer that fires days later to the upload that opened its case', async () => {
    const account = await sandbox.account();
    const caseId = await applied(account);
    const reviewer = await sandbox.staff(['reviewer']);
    await sandbox.eventually(() => reviewer.caseOf(caseId));
    // Past the 48-hour promise: the case's SLA timer fires and escalates it.
    await sandbox.advance('PT49H');
    await reviewer.queueUntil({}, (items) =>
      items.some((item) => item.id === caseId && item.escalated === true),
    );

    const spans = spanExporter.getFinishedSpans();
    const upload = only(/^POST \/v1\/verification\/manual-review$/);
    const timers = named(/^timer /);
    expect(timers.length).toBeGreaterThan(0);
    expect(timers.some((span) => reachable(spans, traceOf(span)).has(traceOf(upload)))).toBe(true);
    // The outside call of the identity check, in the request that asked for it.
    const identity = only(/^POST \/v1\/verification\/identity$/);
    expect(named(/^outside-call identity_check$/).map(traceOf)).toContain(traceOf(identity));
  });
});
