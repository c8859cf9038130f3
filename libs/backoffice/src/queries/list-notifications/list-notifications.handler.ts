import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { formatBeijingTime } from '@shiming/common';
import { CLOCK, WorkingDayCalendar, type Clock } from '@shiming/workflow';
import { NotificationsRepository } from '../../infrastructure/notifications.repository';
import { BACKOFFICE_MESSAGES } from '../../messages';
import { calendarRunwayNotice } from './calendar-runway.notice';
import { ListNotificationsQuery, type BackofficeNotification } from './list-notifications.query';

@QueryHandler(ListNotificationsQuery)
export class ListNotificationsHandler implements IQueryHandler<ListNotificationsQuery> {
  constructor(
    private readonly notifications: NotificationsRepository,
    private readonly calendar: WorkingDayCalendar,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({
    limit,
    locale,
  }: ListNotificationsQuery): Promise<{ items: BackofficeNotification[] }> {
    const count = Math.min(Math.max(limit, 1), 200);
    const now = this.clock.now();
    const notice = calendarRunwayNotice(this.calendar.calendarRunway(now), now, locale);
    // The calendar's notice stays on top while it holds: it is about every future case.
    const stored = await this.notifications.latest(notice ? count - 1 : count);
    const worded = stored.map((notification) => ({
      ...notification,
      // Worded when read, in the reader's language and Beijing time.
      message: BACKOFFICE_MESSAGES.format(
        locale,
        notification.resolvedAt
          ? 'notification.sla_breached.resolved'
          : 'notification.sla_breached',
        {
          caseKind: notification.caseKind,
          caseRef: notification.caseId.slice(0, 8),
          dueAt: formatBeijingTime(locale, notification.dueAt),
        },
      ),
    }));
    return { items: notice ? [notice, ...worded] : worded };
  }
}
