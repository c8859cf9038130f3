import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Projection, RecordedEvent } from '@shiming/event-store';
import { outsideCallId, OutsideCallsRepository } from '../infrastructure/outside-calls.repository';
import { CALLING_EVENT_TYPES, outsideCallKindOf } from '../domain';
import { OutsideCallRunner } from '../outside-calls/outside-call.runner';

// Accounts whose calls one batch makes at once; each call takes a few connections in turn.
const PARALLEL_ACCOUNTS = 8;

/**
 * The durable side of outside calls: for every event that asks for one, makes the call
 * unless someone else has made it or holds it (the request's fast path, usually). So a
 * crash after the commit, or a failed call, still ends in an answer. Which calls are
 * free is read in the batch's transaction (usually none: the fast path made them); the
 * calls and their answers commit in their own transactions, never in the batch's. It is
 * applied first in a batch (`waitsOnOutsideParties`), before anything in the batch
 * writes, so that a slow party does not hold back the cluster's read horizon.
 *
 * A call in another's hands is passed, not waited for: waiting would hold back every
 * event after it. If that maker fails or dies, the call is given back or its lease
 * lapses, and the sweeper (`OutsideCallSweeper`) makes it.
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
    const byStream = new Map<string, string[]>();
    for (const event of events) {
      const kind = outsideCallKindOf(event.type);
      if (!kind) continue;
      const calls = byStream.get(event.streamId) ?? [];
      calls.push(outsideCallId(kind, event.eventId));
      byStream.set(event.streamId, calls);
    }
    const free = await this.calls.freeAmong(tx, [...byStream.values()].flat());
    if (free.size === 0) return;
    // An account's calls in order, accounts side by side: a batch takes as long as its
    // slowest account, not the sum of its calls. A failure throws once the others are
    // through: the batch is retried with back-off, done calls are skipped. One taken by
    // another since the read is passed like the others in their hands.
    const accounts = [...byStream.values()]
      .map((callIds) => callIds.filter((callId) => free.has(callId)))
      .filter((callIds) => callIds.length > 0);
    const failures: unknown[] = [];
    await inLanes(accounts, PARALLEL_ACCOUNTS, async (callIds) => {
      try {
        for (const callId of callIds) await this.runner.run(callId, 0);
      } catch (error) {
        failures.push(error);
      }
    });
    if (failures.length > 0) throw failures[0];
  }
}

/** Runs `work` on every item, at most `lanes` at a time. */
async function inLanes<T>(
  items: readonly T[],
  lanes: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(lanes, items.length) }, lane));
}
