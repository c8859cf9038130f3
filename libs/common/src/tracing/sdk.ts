import { registerInstrumentations, type InstrumentationBase } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { loadConfig, type AppConfig } from '../config/config';
import { setTracingEnabled } from './trace-context';

// This file is loaded first by each entry point, before anything it instruments
// (http, pg, ioredis): it must import none of them, nor the index of @shiming/common.

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

/**
 * Starts the OpenTelemetry SDK: a tracer provider with the W3C propagator and
 * AsyncLocalStorage context, the maintained instrumentations of http, pg and ioredis
 * (BullMQ is traced by its own telemetry option, see EngineModule), and our spans for
 * commands, appends, subscriptions, timers and outside calls.
 */
export function startTracing(options: StartTracingOptions): Tracing {
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

let started: Tracing | null = null;

/**
 * For an entry point, before it loads anything else: starts tracing when the
 * configuration says so (OTEL_ENABLED). A configuration that does not validate is left
 * for the entry point to report.
 */
export function startTracingIfConfigured(defaultServiceName: string): Tracing | null {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch {
    return null;
  }
  if (!config.tracing.enabled || started) return started;
  started = startTracing({
    serviceName: config.tracing.serviceName ?? defaultServiceName,
    otlpEndpoint: config.tracing.otlpEndpoint,
  });
  return started;
}

/** Flushes and stops the tracing this process started, if any. */
export async function stopTracing(): Promise<void> {
  const tracing = started;
  started = null;
  await tracing?.shutdown();
}
