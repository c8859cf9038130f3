import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

export interface StaffNotification {
  id: string;
  at: string;
  kind: 'sla_breached';
  caseId: string;
  caseKind: string;
  message: string;
}

/** What supervisors are told, kept for the back office to show. */
@Injectable()
export class NotificationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async add(tx: EntityManager, notification: StaffNotification): Promise<void> {
    await tx.query(
      `INSERT INTO backoffice_notifications (notification_id, at, kind, case_id, case_kind, message)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
      [
        notification.id,
        notification.at,
        notification.kind,
        notification.caseId,
        notification.caseKind,
        notification.message,
      ],
    );
  }

  async clear(tx: EntityManager): Promise<void> {
    await tx.query(`DELETE FROM backoffice_notifications`);
  }

  async latest(limit: number): Promise<StaffNotification[]> {
    const rows: {
      notification_id: string;
      at: Date;
      kind: 'sla_breached';
      case_id: string;
      case_kind: string;
      message: string;
    }[] = await this.dataSource.query(
      `SELECT notification_id, at, kind, case_id, case_kind, message
         FROM backoffice_notifications ORDER BY at DESC, notification_id LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({
      id: r.notification_id,
      at: r.at.toISOString(),
      kind: r.kind,
      caseId: r.case_id,
      caseKind: r.case_kind,
      message: r.message,
    }));
  }
}
