import { MigrationInterface, QueryRunner } from 'typeorm';

export class Documents1764115620000 implements MigrationInterface {
  name = 'Documents1764115620000';

  async up(runner: QueryRunner): Promise<void> {
    // Metadata only: the bytes are encrypted blobs on disk, one per distinct sha256.
    await runner.query(`
      CREATE TABLE documents (
        document_id  uuid PRIMARY KEY,
        sha256       char(64) NOT NULL,
        size         bigint NOT NULL CHECK (size >= 0),
        content_type text NOT NULL,
        owner_id     text NOT NULL,
        created_at   timestamptz NOT NULL
      )`);
    // Whether a blob is still referenced, before it may ever be collected.
    await runner.query(`CREATE INDEX documents_sha256_idx ON documents (sha256)`);
    await runner.query(`CREATE INDEX documents_owner_idx ON documents (owner_id, created_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE documents`);
  }
}
