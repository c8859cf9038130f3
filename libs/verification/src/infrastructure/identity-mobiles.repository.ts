import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { KeyedHash, normaliseMainlandMobile, preparedQuery } from '@shiming/common';

const PURPOSE = 'mobile';

/**
 * The mobile lookup (a blind index): keyed hash of a normalised mobile number → the
 * subjects (submitted identities) whose cards named it. Staff find cases by a mobile
 * through it without decrypting anything; erasing a subject deletes its rows.
 */
@Injectable()
export class IdentityMobiles {
  constructor(
    private readonly hash: KeyedHash,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** Records that `subjectId` gave `mobile`; in `tx` when the card is recorded in one. */
  async register(mobile: string, subjectId: string, tx?: EntityManager): Promise<void> {
    await preparedQuery(
      tx ?? this.dataSource,
      `INSERT INTO identity_mobiles (mobile_hash, subject_id) VALUES ($1, $2)
       ON CONFLICT DO NOTHING`,
      [this.keyOf(mobile), subjectId],
    );
  }

  /** The subjects that gave this mobile, by exact match of its keyed hash. */
  async subjectsOf(mobile: string): Promise<string[]> {
    const rows: { subject_id: string }[] = await this.dataSource.query(
      `SELECT subject_id FROM identity_mobiles WHERE mobile_hash = $1`,
      [this.keyOf(mobile)],
    );
    return rows.map((r) => r.subject_id);
  }

  async forget(tx: EntityManager, subjectId: string): Promise<void> {
    await tx.query(`DELETE FROM identity_mobiles WHERE subject_id = $1`, [subjectId]);
  }

  private keyOf(mobile: string): string {
    return this.hash.hash(PURPOSE, normaliseMainlandMobile(mobile));
  }
}
