import { loadConfig, type AppConfig } from '../config/config';
import type * as Sdk from './sdk-start';
import type { StartTracingOptions, Tracing } from './sdk-start';

// This file is loaded first by each entry point, before anything it instruments
// (http, pg, ioredis): it must import none of them, nor the index of @shiming/common.
// Nor the SDK itself: `sdk-start.ts` holds every SDK import and is required only once
// tracing is on, so a process without tracing loads no SDK, exporter or instrumentation.

export type { StartTracingOptions, Tracing } from './sdk-start';

/**
 * Starts the OpenTelemetry SDK: a tracer provider with the W3C propagator and
 * AsyncLocalStorage context, the maintained instrumentations of http, pg and ioredis
 * (BullMQ is traced by its own telemetry option, see EngineModule), and our spans for
 * commands, appends, subscriptions, timers and outside calls.
 */
export function startTracing(options: StartTracingOptions): Tracing {
  // A synchronous require: the SDK must be in place before the entry point goes on
  // loading what it instruments, which an `import()` would not wait for.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startSdk } = require('./sdk-start') as typeof Sdk;
  return startSdk(options);
}

let started: Tracing | null = null;

/**
 * For an entry point, before it loads anything else: starts tracing when the
 * configuration says so (OTEL_ENABLED). A configuration that does not validate is left
 * for the entry point to report. `environment`: the process's unless given (tests).
 */
export function startTracingIfConfigured(
  defaultServiceName: string,
  environment?: NodeJS.ProcessEnv,
): Tracing | null {
  let config: AppConfig;
  try {
    config = loadConfig(environment);
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
