import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '@shiming/event-store';

export interface TimelineEntry {
  seq: number;
  type: string;
  at: string;
  actor: Actor;
  details: Record<string, unknown>;
}

/** `case_timeline`: every event of a case with its actor, for audit. */
@Injectable()
export class CaseTimelineRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async add(
    tx: EntityManager,
    caseId: string,
    entry: TimelineEntry & { eventId: string },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO case_timeline (case_id, seq, event_id, type, at, actor, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (case_id, seq) DO NOTHING`,
      [
        caseId,
        entry.seq,
        entry.eventId,
        entry.type,
        entry.at,
        JSON.stringify(entry.actor),
        JSON.stringify(entry.details),
      ],
    );
  }

  async clear(tx: EntityManager): Promise<void> {
    await tx.query(`DELETE FROM case_timeline`);
  }

  async list(caseId: string): Promise<TimelineEntry[]> {
    const rows: { seq: number; type: string; at: Date; actor: Actor; details: object }[] =
      await this.dataSource.query(
        `SELECT seq, type, at, actor, details FROM case_timeline WHERE case_id = $1 ORDER BY seq`,
        [caseId],
      );
    return rows.map((r) => ({
      seq: r.seq,
      type: r.type,
      at: r.at.toISOString(),
      actor: r.actor,
      details: r.details as Record<string, unknown>,
    }));
  }
}
