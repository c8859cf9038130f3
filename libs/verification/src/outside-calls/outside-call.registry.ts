import { Injectable } from '@nestjs/common';
import { OUTSIDE_CALL_KINDS, type OutsideCallKind } from '../domain';
import type { OutsideCallHandler } from './outside-call.handler';

/**
 * Which handler makes each kind of outside call. Handlers register themselves at start
 * (`onModuleInit`); the module checks at boot that every kind the domain can ask for has
 * one, as the timer handlers are checked.
 */
@Injectable()
export class OutsideCallRegistry {
  private readonly handlers = new Map<OutsideCallKind, OutsideCallHandler>();

  register(handler: OutsideCallHandler): void {
    if (this.handlers.has(handler.kind)) {
      throw new Error(`Two handlers of outside calls of kind ${handler.kind}`);
    }
    this.handlers.set(handler.kind, handler);
  }

  handlerOf(kind: OutsideCallKind): OutsideCallHandler {
    const handler = this.handlers.get(kind);
    if (!handler) throw new Error(`No handler of outside calls of kind ${kind}`);
    return handler;
  }

  /** Throws naming every kind without a handler. */
  assertComplete(): void {
    const missing = OUTSIDE_CALL_KINDS.filter((kind) => !this.handlers.has(kind));
    if (missing.length > 0) {
      throw new Error(`Outside calls without a handler: ${missing.join(', ')}`);
    }
  }
}
