import { Query } from '@nestjs/cqrs';
import { DEFAULT_LOCALE, type Locale } from '@shiming/common';
import type { StaffNotification } from '../../infrastructure/notifications.repository';

/** What supervisors were told, newest first, worded in `locale`. */
export class ListNotificationsQuery extends Query<{ items: StaffNotification[] }> {
  constructor(
    readonly limit: number,
    readonly locale: Locale = DEFAULT_LOCALE,
  ) {
    super();
  }
}
