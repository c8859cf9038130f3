import type { EntityManager } from 'typeorm';
import type { Actor } from '@shiming/event-store';

/**
 * Who runs a command and on whose behalf (DESIGN §2: every event carries the actor and
 * the correlation, causation and request ids), the id that makes it idempotent, and the
 * transaction it runs in when a caller has one.
 */
export interface CommandContext {
  actor: Actor;
  correlationId: string;
  causationId?: string;
  requestId?: string;
  /** Identifies the command across retries; event and timer ids derive from it. */
  commandId: string;
  /** Run inside the caller's transaction (a timer firing, a process manager's batch). */
  transaction?: EntityManager;
}
