import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * What supervisors are told: a kind (the message code) and its parameters, worded in
 * the reader's language when read; resolved once its case is decided.
 */
export interface StoredNotification {
  id: string;
  at: string;
  kind: 'sla_breached';
  caseId: string;
  caseKind: string;
  dueAt: string;
  resolvedAt: string | null;
}

export interface StaffNotification extends StoredNotification {
  /** The notification in the reader's language, in Beijing time. */
  message: string;
}

/** What supervisors are told, kept for the back office to show. */
@Injectable()
export class NotificationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async add(
    tx: EntityManager,
    notification: Omit<StoredNotification, 'resolvedAt'>,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO backoffice_notifications (notification_id, at, kind, case_id, case_kind, due_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
      [
        notification.id,
        notification.at,
        notification.kind,
        notification.caseId,
        notification.caseKind,
        notification.dueAt,
      ],
    );
  }

  /** The case was decided: what was said about it is resolved. */
  async resolve(tx: EntityManager, caseId: string, at: string): Promise<void> {
    await tx.query(
      `UPDATE backoffice_notifications SET resolved_at = $2
        WHERE case_id = $1 AND resolved_at IS NULL`,
      [caseId, at],
    );
  }

  async clear(tx: EntityManager): Promise<void> {
    await tx.query(`DELETE FROM backoffice_notifications`);
  }

  async latest(limit: number): Promise<StoredNotification[]> {
    const rows: {
      notification_id: string;
      at: Date;
      kind: 'sla_breached';
      case_id: string;
      case_kind: string;
      due_at: Date;
      resolved_at: Date | null;
    }[] = await this.dataSource.query(
      `SELECT notification_id, at, kind, case_id, case_kind, due_at, resolved_at
         FROM backoffice_notifications ORDER BY at DESC, notification_id LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({
      id: r.notification_id,
      at: r.at.toISOString(),
      kind: r.kind,
      caseId: r.case_id,
      caseKind: r.case_kind,
      dueAt: r.due_at.toISOString(),
      resolvedAt: r.resolved_at?.toISOString() ?? null,
    }));
  }
}
