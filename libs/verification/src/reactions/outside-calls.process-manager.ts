import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SubscriberNotReadyError, type Projection, type RecordedEvent } from '@shiming/event-store';
import { outsideCallId, OutsideCallsRepository } from '../infrastructure/outside-calls.repository';
import { CALLING_EVENT_TYPES, outsideCallKindOf } from '../domain';
import { OutsideCallRunner } from '../outside-calls/outside-call.runner';

/**
 * The durable side of outside calls: for every event that asks for one, makes the call
 * unless the request's fast path has (or is making it: then its batch comes back later).
 * So a crash after the commit, or a failed call, still ends in an answer. Which calls
 * are still open is read in the batch's transaction (usually none: the fast path made
 * them); the calls and their answers commit in their own transactions, never in the
 * batch's. It is applied first in a batch (`waitsOnOutsideParties`), before anything in
 * the batch writes, so that a slow party does not hold back the cluster's read horizon.
 */
@Injectable()
export class OutsideCallsProcessManager implements Projection {
  static readonly NAME = 'verification-outside-calls';
  readonly name = OutsideCallsProcessManager.NAME;
  readonly eventTypes = CALLING_EVENT_TYPES;
  readonly waitsOnOutsideParties = true;

  constructor(
    private readonly runner: OutsideCallRunner,
    private readonly calls: OutsideCallsRepository,
  ) {}

  async apply(events: RecordedEvent[], tx: EntityManager): Promise<void> {
    const callIds = events.flatMap((event) => {
      const kind = outsideCallKindOf(event.type);
      return kind ? [outsideCallId(kind, event.eventId)] : [];
    });
    const open = await this.calls.openAmong(tx, callIds);
    for (const callId of callIds) {
      if (!open.has(callId)) continue;
      // A failure throws: the batch is retried with back-off, done calls are skipped.
      // One being made by another (the request's fast path) is not waited for here,
      // which would hold back every subscriber of the process: the batch comes back.
      if ((await this.runner.run(callId, 0)) === 'pending') {
        throw new SubscriberNotReadyError(`Outside call ${callId} is being made elsewhere`);
      }
    }
  }
}
