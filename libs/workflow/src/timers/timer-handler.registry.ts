import { Injectable } from '@nestjs/common';
import { DuplicateTimerHandlerError, MissingTimerHandlerError } from './timer.errors';
import type { TimerBatchHandler, TimerHandler, TimerPayload } from './timer.types';

/**
 * Which code reacts to each kind of timer: a handler of one timer, or of a batch of
 * timers of the kind. Domain modules register their handlers in `onModuleInit`; the
 * worker checks at boot that every scheduled kind has one.
 */
@Injectable()
export class TimerHandlerRegistry {
  private readonly handlers = new Map<string, TimerHandler>();
  private readonly batchHandlers = new Map<string, TimerBatchHandler>();

  register<P extends TimerPayload>(kind: string, handler: TimerHandler<P>): void {
    if (this.handlers.has(kind)) throw new DuplicateTimerHandlerError(kind);
    this.handlers.set(kind, handler as TimerHandler);
  }

  /** Registers a handler that fires many due timers of `kind` in one call. */
  registerBatch<P extends TimerPayload>(kind: string, handler: TimerBatchHandler<P>): void {
    this.register<P>(kind, (timer, tx) => handler([timer], tx));
    this.batchHandlers.set(kind, handler as TimerBatchHandler);
  }

  /** The kind's handler of one timer (a batch handler called with one). */
  get(kind: string): TimerHandler | undefined {
    return this.handlers.get(kind);
  }

  /** The kind's batch handler, when it registered one. */
  getBatch(kind: string): TimerBatchHandler | undefined {
    return this.batchHandlers.get(kind);
  }

  kinds(): string[] {
    return [...this.handlers.keys()].sort();
  }

  /** Throws naming every kind in `kinds` that has no handler. */
  assertHandlersFor(kinds: Iterable<string>): void {
    const missing = [...new Set(kinds)].filter((kind) => !this.handlers.has(kind)).sort();
    if (missing.length > 0) throw new MissingTimerHandlerError(missing);
  }
}
