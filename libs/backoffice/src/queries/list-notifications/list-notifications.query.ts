import { Query } from '@nestjs/cqrs';
import { DEFAULT_LOCALE, type Locale } from '@shiming/common';
import type { StaffNotification } from '../../infrastructure/notifications.repository';
import type { CalendarRunwayNotice } from './calendar-runway.notice';

export type BackofficeNotification = StaffNotification | CalendarRunwayNotice;

/**
 * What supervisors were told, newest first, worded in `locale`; the calendar's runway
 * first while it is short.
 */
export class ListNotificationsQuery extends Query<{ items: BackofficeNotification[] }> {
  constructor(
    readonly limit: number,
    readonly locale: Locale = DEFAULT_LOCALE,
  ) {
    super();
  }
}
