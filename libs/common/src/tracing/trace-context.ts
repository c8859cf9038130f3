import {
  context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  SpanStatusCode,
  trace,
  type Attributes,
  type Link,
  type Span,
  type SpanKind,
} from '@opentelemetry/api';

/**
 * The W3C trace context (`traceparent`, `tracestate`) of the span that wrote an event,
 * kept in its metadata so that whatever handles the event later (a subscription, a
 * timer, an outside call) can link its own span to it, across processes and time.
 */
export interface TraceCarrier {
  traceparent?: string;
  tracestate?: string;
}

// Set by `startTracing`. While false nothing here starts a span or touches a context:
// tracing off costs one boolean test per command, append and batch.
let enabled = false;

/** Marks tracing on or off for this process's spans; `startTracing` calls it. */
export function setTracingEnabled(on: boolean): void {
  enabled = on;
}

export function tracingEnabled(): boolean {
  return enabled;
}

const TRACER = 'shiming';

// Links kept on one span: a batch of 500 events from as many requests would make a
// span larger than a collector accepts.
const MAX_LINKS = 64;

/** The trace context of the active span, to store with events; empty when not tracing. */
export function currentTraceContext(): TraceCarrier {
  if (!enabled) return {};
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent
    ? {
        traceparent: carrier.traceparent,
        ...(carrier.tracestate ? { tracestate: carrier.tracestate } : {}),
      }
    : {};
}

/** The ids of the active span, for log lines to be found from a trace; empty when not tracing. */
export function currentTraceIds(): { traceId?: string; spanId?: string } {
  if (!enabled) return {};
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && isSpanContextValid(spanContext)
    ? { traceId: spanContext.traceId, spanId: spanContext.spanId }
    : {};
}

/** Links to the spans that wrote these events (each span once, at most 64). */
export function linksTo(carriers: readonly (TraceCarrier | null | undefined)[]): Link[] {
  if (!enabled) return [];
  const links = new Map<string, Link>();
  for (const carrier of carriers) {
    if (links.size >= MAX_LINKS) break;
    if (!carrier?.traceparent) continue;
    const spanContext = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, carrier));
    if (spanContext && isSpanContextValid(spanContext) && !links.has(spanContext.spanId)) {
      links.set(spanContext.spanId, { context: spanContext });
    }
  }
  return [...links.values()];
}

export interface SpanOptions {
  attributes?: Attributes;
  links?: Link[];
  kind?: SpanKind;
}

/**
 * Runs `work` in a new active span (child of the active one), ending it when the work
 * settles and recording a failure. Without tracing it only runs `work`.
 */
export function inSpan<T>(
  name: string,
  options: SpanOptions | (() => SpanOptions),
  work: (span: Span | undefined) => Promise<T>,
): Promise<T> {
  if (!enabled) return work(undefined);
  const { attributes, links, kind } = typeof options === 'function' ? options() : options;
  return trace
    .getTracer(TRACER)
    .startActiveSpan(name, { attributes, links, kind }, async (span): Promise<T> => {
      try {
        return await work(span);
      } catch (error) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw error;
      } finally {
        span.end();
      }
    });
}

/** Adds links to the active span (to the event a command found last on its stream). */
export function linkActiveSpan(carriers: readonly (TraceCarrier | null | undefined)[]): void {
  if (!enabled) return;
  const links = linksTo(carriers);
  if (links.length > 0) trace.getActiveSpan()?.addLinks(links);
}

/** Renames the active span, once what it does is known (a command made from the state). */
export function renameActiveSpan(name: string): void {
  if (enabled) trace.getActiveSpan()?.updateName(name);
}

/** Names the active HTTP server span by the route's pattern, which only Nest knows. */
export function nameHttpSpan(method: string, route: string): void {
  if (!enabled) return;
  const span = trace.getActiveSpan();
  if (!span?.isRecording()) return;
  span.updateName(`${method} ${route}`);
  span.setAttribute('http.route', route);
}
