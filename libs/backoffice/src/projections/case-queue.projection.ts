import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Projection, RecordedEvent } from '@shiming/event-store';
import { VerificationCases } from '@shiming/verification';
import { CASE_EVENT_TYPES } from '../domain';
import { caseIdOfStream } from '../backoffice.streams';
import { CaseQueueRepository } from '../infrastructure/case-queue.repository';
import { CaseStreams } from '../infrastructure/case-streams';

/**
 * `case_queue`: for every case a batch touches, its stream is folded again and its row
 * replaced. Case streams are short, and a row made from the whole stream cannot drift.
 * The row also names the subject of the identity the case was opened for (how staff
 * search by ID number or mobile).
 */
@Injectable()
export class CaseQueueProjection implements Projection {
  static readonly NAME = 'backoffice-case-queue';
  readonly name = CaseQueueProjection.NAME;
  readonly eventTypes = CASE_EVENT_TYPES;

  constructor(
    private readonly streams: CaseStreams,
    private readonly queue: CaseQueueRepository,
    private readonly verification: VerificationCases,
  ) {}

  async apply(events: RecordedEvent[], tx: EntityManager): Promise<void> {
    const caseIds = new Set(
      events.map((e) => caseIdOfStream(e.streamId)).filter((id): id is string => id !== null),
    );
    for (const caseId of caseIds) {
      const { state, version } = await this.streams.load(caseId, tx);
      if (state.status === 'none') continue;
      // The identity the case was opened for, found from the account's stream once: a
      // case keeps it whatever the account submits later.
      const subjectId =
        (await this.queue.subjectOf(tx, caseId)) ??
        (await this.verification.subjectAtCase(state.accountId, caseId, tx));
      await this.queue.save(tx, state, version, subjectId);
    }
  }

  async reset(tx: EntityManager): Promise<void> {
    await this.queue.clear(tx);
  }
}
