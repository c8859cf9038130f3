import { Injectable } from '@nestjs/common';
import { DuplicateTimerHandlerError, MissingTimerHandlerError } from './timer.errors';
import type { TimerHandler, TimerPayload } from './timer.types';

/**
 * Which code reacts to each kind of timer. Domain modules register their handlers in
 * `onModuleInit`; the worker checks at boot that every scheduled kind has one.
 */
@Injectable()
export class TimerHandlerRegistry {
  private readonly handlers = new Map<string, TimerHandler>();

  register<P extends TimerPayload>(kind: string, handler: TimerHandler<P>): void {
    if (this.handlers.has(kind)) throw new DuplicateTimerHandlerError(kind);
    this.handlers.set(kind, handler as TimerHandler);
  }

  get(kind: string): TimerHandler | undefined {
    return this.handlers.get(kind);
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
