import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Projection, RecordedEvent } from '@shiming/event-store';
import type { CaseDecided, CaseEscalated } from '../domain';
import { caseIdOfStream } from '../backoffice.streams';
import { CaseStreams } from '../infrastructure/case-streams';
import { NotificationsRepository } from '../infrastructure/notifications.repository';

/**
 * Tells supervisors when a case breaches its SLA (a notification, and a log line), and
 * resolves what they were told once the case is decided.
 */
@Injectable()
export class NotificationsProjection implements Projection {
  static readonly NAME = 'backoffice-notifications';
  readonly name = NotificationsProjection.NAME;
  readonly eventTypes = ['CaseEscalated', 'CaseDecided'];
  private readonly logger = new Logger(NotificationsProjection.name);

  constructor(
    private readonly streams: CaseStreams,
    private readonly notifications: NotificationsRepository,
  ) {}

  async apply(events: RecordedEvent[], tx: EntityManager): Promise<void> {
    for (const event of events) {
      const caseId = caseIdOfStream(event.streamId);
      if (!caseId) continue;
      if (event.type === 'CaseDecided') {
        await this.notifications.resolve(tx, caseId, (event.data as CaseDecided['data']).at);
        continue;
      }
      const { state } = await this.streams.load(caseId, tx);
      if (state.status === 'none') continue;
      const { at, dueAt } = event.data as CaseEscalated['data'];
      await this.notifications.add(tx, {
        id: event.eventId,
        at,
        kind: 'sla_breached',
        caseId,
        caseKind: state.kind,
        dueAt,
      });
      this.logger.warn(`SLA breached: ${state.kind} ${caseId} passed its due time ${dueAt}`);
    }
  }

  async reset(tx: EntityManager): Promise<void> {
    await this.notifications.clear(tx);
  }
}
