import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { formatBeijingTime } from '@shiming/common';
import {
  NotificationsRepository,
  type StaffNotification,
} from '../../infrastructure/notifications.repository';
import { BACKOFFICE_MESSAGES } from '../../messages';
import { ListNotificationsQuery } from './list-notifications.query';

@QueryHandler(ListNotificationsQuery)
export class ListNotificationsHandler implements IQueryHandler<ListNotificationsQuery> {
  constructor(private readonly notifications: NotificationsRepository) {}

  async execute({
    limit,
    locale,
  }: ListNotificationsQuery): Promise<{ items: StaffNotification[] }> {
    const stored = await this.notifications.latest(Math.min(Math.max(limit, 1), 200));
    return {
      items: stored.map((notification) => ({
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
      })),
    };
  }
}
