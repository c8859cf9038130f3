import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Projection, RecordedEvent } from '@shiming/event-store';
import type { CaseEscalated } from '../domain';
import { caseIdOfStream } from '../backoffice.streams';
import { CaseStreams } from '../infrastructure/case-streams';
import { NotificationsRepository } from '../infrastructure/notifications.repository';

/** Tells supervisors when a case breaches its SLA: a notification, and a log line. */
@Injectable()
export class NotificationsProjection implements Projection {
  static readonly NAME = 'backoffice-notifications';
  readonly name = NotificationsProjection.NAME;
  readonly eventTypes = ['CaseEscalated'];
  private readonly logger = new Logger(NotificationsProjection.name);

  constructor(
    private readonly streams: CaseStreams,
    private readonly notifications: NotificationsRepository,
  ) {}

  async apply(events: RecordedEvent[], tx: EntityManager): Promise<void> {
    for (const event of events) {
      const caseId = caseIdOfStream(event.streamId);
      if (!caseId) continue;
      const { state } = await this.streams.load(caseId, tx);
      if (state.status === 'none') continue;
      const { at, dueAt } = event.data as CaseEscalated['data'];
      const kind = state.kind === 'manual_review' ? 'Manual review' : 'Appeal';
      const message = `${kind} ${caseId.slice(0, 8)} passed its due time (${shanghai(dueAt)}) undecided.`;
      await this.notifications.add(tx, {
        id: event.eventId,
        at,
        kind: 'sla_breached',
        caseId,
        caseKind: state.kind,
        message,
      });
      this.logger.warn(`SLA breached: ${message}`);
    }
  }

  async reset(tx: EntityManager): Promise<void> {
    await this.notifications.clear(tx);
  }
}

const SHANGHAI = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Shanghai',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
});

/** A due time as staff in mainland China read it. */
function shanghai(iso: string): string {
  return `${SHANGHAI.format(new Date(iso))} Shanghai time`;
}
