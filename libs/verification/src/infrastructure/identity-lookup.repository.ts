import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { KeyedHash, preparedQuery } from '@shiming/common';
import { ID_GENERATOR, type IdGenerator } from '@shiming/workflow';

/**
 * The occupancy lookup (DESIGN §5): the keyed hash of an ID number → the random id of
 * its registry, kept outside the immutable log so that it can be deleted. Each submitted
 * identity (a data-key subject) is recorded against its registry; erasing the last
 * submission of a number deletes its hash, and nothing left in the database links the
 * registry id (which events carry) to the number.
 */
@Injectable()
export class IdentityLookup {
  constructor(
    private readonly hash: KeyedHash,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    // Only the search reads outside a transaction of its caller.
    @InjectDataSource() private readonly dataSource?: DataSource,
  ) {}

  /**
   * The registry of `idNumber`, made on first use, with `subjectId` recorded as one of its
   * submissions; in `tx`, so that both go if the submission is not recorded.
   */
  async register(tx: EntityManager, idNumber: string, subjectId: string): Promise<string> {
    // DO UPDATE rather than DO NOTHING: it returns the row and locks it against a
    // concurrent `forget` until this transaction ends.
    const [row]: { registry_id: string }[] = await preparedQuery(
      tx,
      `INSERT INTO identity_index (id_hash, registry_id) VALUES ($1, $2)
       ON CONFLICT (id_hash) DO UPDATE SET id_hash = EXCLUDED.id_hash
       RETURNING registry_id`,
      [this.hash.idNumberHash(idNumber), this.ids.newId()],
    );
    await preparedQuery(
      tx,
      `INSERT INTO identity_subjects (subject_id, registry_id) VALUES ($1, $2)
       ON CONFLICT (subject_id) DO NOTHING`,
      [subjectId, row.registry_id],
    );
    return row.registry_id;
  }

  /**
   * The submissions (subjects) of an ID number not erased, by exact match of its keyed
   * hash: how staff find cases by ID number without decrypting anything.
   */
  async subjectsOf(idNumber: string, tx?: EntityManager): Promise<string[]> {
    const reader = tx ?? this.dataSource;
    if (!reader) throw new Error('IdentityLookup.subjectsOf needs a transaction or a data source');
    const rows: { subject_id: string }[] = await reader.query(
      `SELECT s.subject_id FROM identity_index i
         JOIN identity_subjects s ON s.registry_id = i.registry_id
        WHERE i.id_hash = $1`,
      [this.hash.idNumberHash(idNumber)],
    );
    return rows.map((r) => r.subject_id);
  }

  /** Forgets an erased submission; the hash goes with the last submission of its number. */
  async forget(tx: EntityManager, subjectId: string): Promise<void> {
    const [subject]: { registry_id: string }[] = await tx.query(
      `SELECT registry_id FROM identity_subjects WHERE subject_id = $1`,
      [subjectId],
    );
    if (!subject) return;
    // Locked first, then counted in a statement of its own, so that a submission
    // registered meanwhile is either seen here or waits for this erasure to commit.
    await tx.query(`SELECT 1 FROM identity_index WHERE registry_id = $1 FOR UPDATE`, [
      subject.registry_id,
    ]);
    await tx.query(`DELETE FROM identity_subjects WHERE subject_id = $1`, [subjectId]);
    await tx.query(
      `DELETE FROM identity_index i
        WHERE i.registry_id = $1
          AND NOT EXISTS (SELECT 1 FROM identity_subjects s WHERE s.registry_id = i.registry_id)`,
      [subject.registry_id],
    );
  }
}
