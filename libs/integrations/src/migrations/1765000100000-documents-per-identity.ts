import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Documents are encrypted under the data key of the identity they were uploaded for,
 * one file each, instead of under one service-wide key and shared by content: erasing an
 * identity must make its documents unreadable and remove their files (DESIGN §5). An
 * erased document keeps a tombstone row (its id, owner and time), so that a case can say
 * its documents were erased; its content hash, size and type go.
 */
export class DocumentsPerIdentity1765000100000 implements MigrationInterface {
  name = 'DocumentsPerIdentity1765000100000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX documents_sha256_idx`);
    await runner.query(`
      ALTER TABLE documents
        ADD COLUMN subject_id text,
        ADD COLUMN erased_at  timestamptz,
        ADD COLUMN purged_at  timestamptz,
        ALTER COLUMN sha256 DROP NOT NULL,
        ALTER COLUMN size DROP NOT NULL,
        ALTER COLUMN content_type DROP NOT NULL`);
    // Documents stored before this release were under the service-wide key, which is no
    // longer configured: they are unreadable, so they count as erased.
    await runner.query(`
      UPDATE documents
         SET erased_at = now(), sha256 = NULL, size = NULL, content_type = NULL
       WHERE subject_id IS NULL`);
    await runner.query(`
      ALTER TABLE documents
        ADD CONSTRAINT documents_live_ck CHECK (erased_at IS NOT NULL OR (
          sha256 IS NOT NULL AND size IS NOT NULL AND content_type IS NOT NULL
          AND subject_id IS NOT NULL)),
        ADD CONSTRAINT documents_erased_ck CHECK (erased_at IS NULL OR (
          sha256 IS NULL AND size IS NULL AND content_type IS NULL))`);
    await runner.query(`CREATE INDEX documents_subject_idx ON documents (subject_id)`);
  }

  async down(): Promise<void> {
    throw new Error('DocumentsPerIdentity1765000100000 cannot be reverted');
  }
}
