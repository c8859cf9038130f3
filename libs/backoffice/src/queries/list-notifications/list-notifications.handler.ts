import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import {
  NotificationsRepository,
  type StaffNotification,
} from '../../infrastructure/notifications.repository';
import { ListNotificationsQuery } from './list-notifications.query';

@QueryHandler(ListNotificationsQuery)
export class ListNotificationsHandler implements IQueryHandler<ListNotificationsQuery> {
  constructor(private readonly notifications: NotificationsRepository) {}

  async execute({ limit }: ListNotificationsQuery): Promise<{ items: StaffNotification[] }> {
    return { items: await this.notifications.latest(Math.min(Math.max(limit, 1), 200)) };
  }
}
