import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

/** A staff member who has used the back office, with the roles last seen. */
export interface StaffMember {
  id: string;
  roles: string[];
  firstSeenAt: string;
  seenAt: string;
}

/** `backoffice_staff`: the staff directory, fed by `StaffDirectoryProjection`. */
@Injectable()
export class StaffDirectoryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async seen(tx: EntityManager, staffId: string, roles: string[], at: string): Promise<void> {
    await tx.query(
      `INSERT INTO backoffice_staff (staff_id, roles, first_seen_at, seen_at)
       VALUES ($1, $2, $3, $3)
       ON CONFLICT (staff_id) DO UPDATE SET roles = EXCLUDED.roles, seen_at = EXCLUDED.seen_at`,
      [staffId, roles, at],
    );
  }

  async clear(tx: EntityManager): Promise<void> {
    await tx.query(`DELETE FROM backoffice_staff`);
  }

  async list(): Promise<StaffMember[]> {
    const rows: { staff_id: string; roles: string[]; first_seen_at: Date; seen_at: Date }[] =
      await this.dataSource.query(
        `SELECT staff_id, roles, first_seen_at, seen_at FROM backoffice_staff ORDER BY staff_id`,
      );
    return rows.map((r) => ({
      id: r.staff_id,
      roles: r.roles,
      firstSeenAt: r.first_seen_at.toISOString(),
      seenAt: r.seen_at.toISOString(),
    }));
  }

  async find(staffId: string): Promise<StaffMember | null> {
    const rows: { staff_id: string; roles: string[]; first_seen_at: Date; seen_at: Date }[] =
      await this.dataSource.query(
        `SELECT staff_id, roles, first_seen_at, seen_at FROM backoffice_staff WHERE staff_id = $1`,
        [staffId],
      );
    const r = rows[0];
    return r
      ? {
          id: r.staff_id,
          roles: r.roles,
          firstSeenAt: r.first_seen_at.toISOString(),
          seenAt: r.seen_at.toISOString(),
        }
      : null;
  }
}
