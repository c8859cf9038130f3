import { Query } from '@nestjs/cqrs';
import type { StaffNotification } from '../../infrastructure/notifications.repository';

/** What supervisors were told, newest first. */
export class ListNotificationsQuery extends Query<{ items: StaffNotification[] }> {
  constructor(readonly limit: number) {
    super();
  }
}
