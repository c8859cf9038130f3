import { Injectable } from '@nestjs/common';
import type { Projection, RecordedEvent } from '@shiming/event-store';
import { outsideCallId } from '../infrastructure/outside-calls.repository';
import { CALLING_EVENT_TYPES, outsideCallKindOf } from '../domain';
import { OUTSIDE_CALL_LEASE_MS, OutsideCallRunner } from '../outside-calls/outside-call.runner';

/**
 * The durable side of outside calls: for every event that asks for one, makes the call
 * unless the request's fast path has (or is making it: then it waits for its lease).
 * So a crash after the commit, or a failed call, still ends in an answer. The calls
 * and their answers commit in their own transactions, never in this batch's, so that
 * a slow outside party does not hold back every other subscription.
 */
@Injectable()
export class OutsideCallsProcessManager implements Projection {
  static readonly NAME = 'verification-outside-calls';
  readonly name = OutsideCallsProcessManager.NAME;
  readonly eventTypes = CALLING_EVENT_TYPES;

  constructor(private readonly runner: OutsideCallRunner) {}

  async apply(events: RecordedEvent[]): Promise<void> {
    for (const event of events) {
      const kind = outsideCallKindOf(event.type);
      if (!kind) continue;
      const callId = outsideCallId(kind, event.eventId);
      // A failure throws: the batch is retried with back-off, done calls are skipped.
      while ((await this.runner.run(callId, OUTSIDE_CALL_LEASE_MS)) === 'pending');
    }
  }
}
