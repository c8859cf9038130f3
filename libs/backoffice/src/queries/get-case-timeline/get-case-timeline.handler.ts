import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ReadYourWrites } from '@shiming/event-store';
import {
  CaseTimelineRepository,
  type TimelineEntry,
} from '../../infrastructure/case-timeline.repository';
import { CaseTimelineProjection } from '../../projections/case-timeline.projection';
import { CaseReader } from '../../views/case-reader';
import { GetCaseTimelineQuery } from './get-case-timeline.query';

// How long the timeline may wait for its projection to reach the case's last event.
const CATCH_UP_MS = 2_000;

/** The case's events with their actors, once the timeline has caught up with the stream. */
@QueryHandler(GetCaseTimelineQuery)
export class GetCaseTimelineHandler implements IQueryHandler<GetCaseTimelineQuery> {
  constructor(
    private readonly reader: CaseReader,
    private readonly timeline: CaseTimelineRepository,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  async execute({ caseId, staff }: GetCaseTimelineQuery): Promise<{ items: TimelineEntry[] }> {
    const { position } = await this.reader.visible(caseId, staff);
    // Stale rather than failing when the projection is behind: the answer is still true.
    if (position) {
      await this.readYourWrites.waitForPosition(CaseTimelineProjection.NAME, position, CATCH_UP_MS);
    }
    return { items: await this.timeline.list(caseId) };
  }
}
