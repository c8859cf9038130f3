import { trace } from '@opentelemetry/api';
import { currentTraceContext, inSpan, linksTo, tracingEnabled } from './trace-context';

describe('tracing off (no OTEL_ENABLED)', () => {
  it('starts no SDK: the work runs without a span, and events get no trace context', async () => {
    expect(tracingEnabled()).toBe(false);
    expect(await inSpan('command Anything', {}, async (span) => span)).toBeUndefined();
    expect(currentTraceContext()).toEqual({});
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    expect(linksTo([{ traceparent }])).toEqual([]);
    // No provider was registered: the API's tracers make spans that record nothing.
    expect(trace.getTracer('shiming').startSpan('probe').isRecording()).toBe(false);
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});
