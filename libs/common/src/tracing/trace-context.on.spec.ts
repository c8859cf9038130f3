import { context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import {
  currentTraceContext,
  currentTraceIds,
  inSpan,
  linksTo,
  setTracingEnabled,
} from './trace-context';

describe('tracing on', () => {
  const exporter = new InMemorySpanExporter();

  beforeAll(() => {
    // With AsyncLocalStorage and the W3C propagator, as `startTracing` registers it.
    new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).register();
    setTracingEnabled(true);
  });

  afterAll(() => {
    setTracingEnabled(false);
    trace.disable();
    propagation.disable();
    context.disable();
  });

  it('gives the active span as the trace context of an event, and links back to it', async () => {
    const stored = await inSpan('append case', {}, async (span) => {
      const { traceId, spanId } = span!.spanContext();
      expect(currentTraceIds()).toEqual({ traceId, spanId });
      const carrier = currentTraceContext();
      expect(carrier.traceparent).toBe(`00-${traceId}-${spanId}-01`);
      return carrier;
    });
    const [link] = linksTo([stored, stored, undefined, {}]);
    expect(link.context.spanId).toBe(stored.traceparent!.split('-')[2]);
    expect(linksTo([stored, stored])).toHaveLength(1);

    await inSpan('subscription x', { links: linksTo([stored]) }, async () => undefined);
    const [append, subscription] = exporter.getFinishedSpans();
    expect(subscription.links.map((l) => l.context.spanId)).toEqual([append.spanContext().spanId]);
    expect(subscription.spanContext().traceId).not.toBe(append.spanContext().traceId);
  });

  it('records a failure on the span and lets it through', async () => {
    exporter.reset();
    await expect(
      inSpan('command Fails', {}, async () => {
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    const [span] = exporter.getFinishedSpans();
    expect(span.status.code).toBe(2);
    expect(span.events.map((event) => event.name)).toEqual(['exception']);
  });
});
