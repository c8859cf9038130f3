import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { CLOCK, WorkingDayCalendar, type Clock } from '@shiming/workflow';
import { NotificationsRepository } from '../../infrastructure/notifications.repository';
import { calendarRunwayNotice } from './calendar-runway.notice';
import { ListNotificationsQuery, type BackofficeNotification } from './list-notifications.query';

@QueryHandler(ListNotificationsQuery)
export class ListNotificationsHandler implements IQueryHandler<ListNotificationsQuery> {
  constructor(
    private readonly notifications: NotificationsRepository,
    private readonly calendar: WorkingDayCalendar,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ limit }: ListNotificationsQuery): Promise<{ items: BackofficeNotification[] }> {
    const count = Math.min(Math.max(limit, 1), 200);
    const now = this.clock.now();
    const notice = calendarRunwayNotice(this.calendar.calendarRunway(now), now);
    // The calendar's notice stays on top while it holds: it is about every future case.
    const stored = await this.notifications.latest(notice ? count - 1 : count);
    return { items: notice ? [notice, ...stored] : stored };
  }
}
