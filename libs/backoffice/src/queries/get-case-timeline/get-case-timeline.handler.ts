import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { CaseRoleError, mayWork } from '../../domain';
import { CaseRequests } from '../../commands/case-request';
import {
  CaseTimelineRepository,
  type TimelineEntry,
} from '../../infrastructure/case-timeline.repository';
import { GetCaseTimelineQuery } from './get-case-timeline.query';

// How long the timeline may wait for its projection to reach the case's last event.
const CATCH_UP_MS = 2_000;
const POLL_MS = 20;

/** The case's events with their actors, once the timeline has caught up with the stream. */
@QueryHandler(GetCaseTimelineQuery)
export class GetCaseTimelineHandler implements IQueryHandler<GetCaseTimelineQuery> {
  constructor(
    private readonly requests: CaseRequests,
    private readonly timeline: CaseTimelineRepository,
  ) {}

  async execute({ caseId, staff }: GetCaseTimelineQuery): Promise<{ items: TimelineEntry[] }> {
    const view = await this.requests.view(caseId, staff);
    if (!mayWork(staff.roles, view.kind)) {
      throw new CaseRoleError(`The caller's roles do not see ${view.kind.replace('_', ' ')}s.`);
    }
    const deadline = Date.now() + CATCH_UP_MS;
    while ((await this.timeline.lastSeq(caseId)) < view.version && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    return { items: await this.timeline.list(caseId) };
  }
}
