import { registerInstrumentations, type InstrumentationBase } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { setTracingEnabled } from './trace-context';

// Every module of the OpenTelemetry SDK is imported here and only here; `sdk.ts` loads
// this file when tracing is on, so a process without tracing loads none of them.

export interface Tracing {
  /** What patches http, pg and ioredis as they load (jest's own loader goes around it). */
  instrumentations: readonly InstrumentationBase[];
  /** Exports the spans still buffered and stops; call before the process exits. */
  shutdown(): Promise<void>;
}

export interface StartTracingOptions {
  serviceName: string;
  /** Base URL of the OTLP/HTTP receiver; null: the exporter's default or its OTEL_* variables. */
  otlpEndpoint: string | null;
  /** Instead of the OTLP exporter (tests use an in-memory one). */
  spanProcessor?: SpanProcessor;
}

// Requests that are not work: probes and scrapes would make most of the traces.
const UNTRACED_PATHS = /^\/(health\/(live|ready)|metrics)(\?|$)/;

/** `startTracing` once tracing is on (see sdk.ts). */
export function startSdk(options: StartTracingOptions): Tracing {
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    spanProcessors: [
      options.spanProcessor ??
        new BatchSpanProcessor(
          new OTLPTraceExporter(
            options.otlpEndpoint
              ? { url: `${options.otlpEndpoint.replace(/\/+$/, '')}/v1/traces` }
              : {},
          ),
        ),
    ],
  });
  provider.register();
  const instrumentations = [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.test(request.url ?? ''),
    }),
    // Only inside a traced unit of work: the pollers' idle queries and BullMQ's
    // blocking reads would otherwise each be a trace of their own.
    new PgInstrumentation({ requireParentSpan: true }),
    new IORedisInstrumentation({ requireParentSpan: true }),
  ];
  const unregister = registerInstrumentations({ tracerProvider: provider, instrumentations });
  setTracingEnabled(true);
  return {
    instrumentations,
    shutdown: async () => {
      setTracingEnabled(false);
      unregister();
      await provider.shutdown();
    },
  };
}
