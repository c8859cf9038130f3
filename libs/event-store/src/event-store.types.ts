/** Who caused a change: an account holder, a staff member, a service, or the system itself. */
export interface Actor {
  type: 'user' | 'staff' | 'service' | 'system';
  id: string;
}

export interface EventMetadata {
  actor: Actor;
  correlationId: string;
  causationId?: string;
  requestId?: string;
  /** ISO 8601; set from the store's clock when appended. */
  timestamp?: string;
  /** W3C trace context of the span that appended the event; only while tracing is on. */
  traceparent?: string;
  tracestate?: string;
}

/** Metadata from a command's context, leaving out the ids it does not have. */
export function eventMetadata(context: {
  actor: Actor;
  correlationId: string;
  causationId?: string;
  requestId?: string;
}): EventMetadata {
  return {
    actor: context.actor,
    correlationId: context.correlationId,
    ...(context.causationId ? { causationId: context.causationId } : {}),
    ...(context.requestId ? { requestId: context.requestId } : {}),
  };
}

/** An event to append. `id` is chosen by the caller so that a retried command is idempotent. */
export interface NewEvent<T = unknown> {
  id: string;
  type: string;
  data: T;
}

/**
 * The version the caller believes the stream has: a number (0 = empty), `no_stream`
 * (must not exist yet), `stream_exists`, or `any` (no check).
 */
export type ExpectedVersion = number | 'no_stream' | 'stream_exists' | 'any';

/**
 * A place in the global log that is safe to resume from: events are ordered by the
 * id of the transaction that wrote them, then by their global position.
 */
export interface LogPosition {
  transactionId: bigint;
  globalPosition: bigint;
}

export interface RecordedEvent<T = unknown> {
  eventId: string;
  streamId: string;
  streamVersion: number;
  type: string;
  schemaVersion: number;
  data: T;
  metadata: EventMetadata;
  recordedAt: Date;
  position: LogPosition;
}

/** One event for one stream at a numeric expected version, appended beside others. */
export interface StreamAppend<T = unknown> {
  streamId: string;
  /** The stream's version now: its number of events, 0 when it has none. */
  expectedVersion: number;
  event: NewEvent<T>;
  metadata: EventMetadata;
}

export interface AppendResult {
  streamId: string;
  /** The stream's version after the append: pass it as expected version next time. */
  nextExpectedVersion: number;
  /** Global positions of the appended events, in order. */
  globalPositions: bigint[];
  /** Position of the last appended event; a read model that reached it reflects this append. */
  position: LogPosition;
  /** True when every event id was already stored (a retried command): nothing was written. */
  duplicate: boolean;
  /** The metadata stored with the events (absent for a duplicate). */
  metadata?: EventMetadata;
}
