import { Query } from '@nestjs/cqrs';
import type { Staff } from '../../domain';
import type { TimelineEntry } from '../../infrastructure/case-timeline.repository';

export class GetCaseTimelineQuery extends Query<{ items: TimelineEntry[] }> {
  constructor(
    readonly caseId: string,
    readonly staff: Staff,
  ) {
    super();
  }
}
