import { createRequire } from 'node:module';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startTracing } from '@shiming/common/tracing/sdk';

// Import this first in a spec, as main.ts imports tracing first.
export const spanExporter = new InMemorySpanExporter();
export const tracing = startTracing({
  serviceName: 'shiming-test',
  otlpEndpoint: null,
  spanProcessor: new SimpleSpanProcessor(spanExporter),
});

// Jest loads modules through a registry of its own, past the require hook by which the
// instrumentations patch http, pg and ioredis in a process: patch what the spec will
// load (the same module objects as the application's) as the hook would.
const load = createRequire(__filename);
for (const instrumentation of tracing.instrumentations) {
  for (const definition of instrumentation.getModuleDefinitions()) {
    definition.patch?.(load(definition.name), versionOf(definition.name));
  }
}

function versionOf(name: string): string | undefined {
  try {
    return (load(`${name}/package.json`) as { version: string }).version;
  } catch {
    return undefined; // a core module, or a package that does not export its package.json
  }
}
