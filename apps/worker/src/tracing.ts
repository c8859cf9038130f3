import { startTracingIfConfigured } from '@shiming/common/tracing/sdk';

// Imported first by main.ts: the instrumentations patch http, pg and ioredis only if
// they are loaded after this. Off unless OTEL_ENABLED.
startTracingIfConfigured('shiming-worker');
