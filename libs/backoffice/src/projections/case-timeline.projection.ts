import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Projection, RecordedEvent } from '@shiming/event-store';
import { CASE_EVENT_TYPES } from '../domain';
import { caseIdOfStream } from '../backoffice.streams';
import { CaseTimelineRepository } from '../infrastructure/case-timeline.repository';

/** `case_timeline`: one row per case event, with who did it. */
@Injectable()
export class CaseTimelineProjection implements Projection {
  static readonly NAME = 'backoffice-case-timeline';
  readonly name = CaseTimelineProjection.NAME;
  readonly eventTypes = CASE_EVENT_TYPES;

  constructor(private readonly timeline: CaseTimelineRepository) {}

  async apply(events: RecordedEvent[], tx: EntityManager): Promise<void> {
    for (const event of events) {
      const caseId = caseIdOfStream(event.streamId);
      if (!caseId) continue;
      // Case events carry no personal data: ids, staff's words, times.
      const { at, ...details } = event.data as { at: string } & Record<string, unknown>;
      await this.timeline.add(tx, caseId, {
        seq: event.streamVersion,
        eventId: event.eventId,
        type: event.type,
        at,
        actor: event.metadata.actor,
        details,
      });
    }
  }

  async reset(tx: EntityManager): Promise<void> {
    await this.timeline.clear(tx);
  }
}
