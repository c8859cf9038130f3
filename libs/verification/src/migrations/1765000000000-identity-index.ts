import { MigrationInterface, QueryRunner } from 'typeorm';

const IDENTITY_EVENTS = `('IdentityReclaimed', 'AppealUpheld', 'IdentityRevoked')`;

/**
 * The occupancy lookup leaves the immutable log (DESIGN §5). Until now the keyed hash of
 * each ID number named its registry stream (`identity-<hash>`) and sat in events beside
 * the masked name and ID number, so that anyone holding the hash key could recover an
 * erased ID number by trying candidates. From here:
 * - `identity_index` maps the hash to a random registry id, and `identity_subjects`
 *   records which submitted identities (data-key subjects) use it; erasing the last one
 *   deletes the hash;
 * - registry streams are named by the registry id, and events carry the registry id
 *   instead of the hash, and no masks (derived from the decrypted values when read).
 * Stored events are rewritten to their schema version 2 here, once: an erasure law does
 * not allow keeping what an erasure must remove, even in an audit log.
 */
export class IdentityIndex1765000000000 implements MigrationInterface {
  name = 'IdentityIndex1765000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE identity_index (
        id_hash     text PRIMARY KEY,
        registry_id uuid NOT NULL UNIQUE,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE identity_subjects (
        subject_id  text PRIMARY KEY,
        registry_id uuid NOT NULL REFERENCES identity_index (registry_id),
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(
      `CREATE INDEX identity_subjects_registry_idx ON identity_subjects (registry_id)`,
    );

    // Every hash the log knows, each with a registry id of its own.
    await runner.query(`
      INSERT INTO identity_index (id_hash, registry_id)
      SELECT hash, gen_random_uuid() FROM (
        SELECT data->'identity'->>'idHash' AS hash FROM es_events
         WHERE event_type = 'IdentitySubmitted'
        UNION
        SELECT data->>'idHash' FROM es_events WHERE event_type IN ${IDENTITY_EVENTS}
        UNION
        SELECT substr(stream_id, length('identity-') + 1) FROM es_events
         WHERE stream_id LIKE 'identity-%'
      ) AS known
      WHERE hash IS NOT NULL AND hash <> ''`);
    await runner.query(`
      UPDATE es_events e SET stream_id = 'identity-' || i.registry_id
        FROM identity_index i
       WHERE e.stream_id = 'identity-' || i.id_hash`);
    await runner.query(`
      UPDATE es_events e
         SET data = jsonb_set(
               e.data, '{identity}',
               ((e.data->'identity') - 'idHash' - 'idMasked' - 'nameMasked')
                 || jsonb_build_object('registryId', i.registry_id)),
             schema_version = 2
        FROM identity_index i
       WHERE e.event_type = 'IdentitySubmitted' AND e.schema_version = 1
         AND e.data->'identity'->>'idHash' = i.id_hash`);
    await runner.query(`
      UPDATE es_events e
         SET data = (e.data - 'idHash') || jsonb_build_object('registryId', i.registry_id),
             schema_version = 2
        FROM identity_index i
       WHERE e.event_type IN ${IDENTITY_EVENTS} AND e.schema_version = 1
         AND e.data->>'idHash' = i.id_hash`);
    await runner.query(`
      UPDATE es_events
         SET data = jsonb_set(data, '{card}', (data->'card') - 'cardLast4'), schema_version = 2
       WHERE event_type = 'BankCardSubmitted' AND schema_version = 1`);
    await runner.query(`
      UPDATE es_events SET data = data - 'cardLast4', schema_version = 2
       WHERE event_type = 'BankCardRefused' AND schema_version = 1`);

    // The submissions whose data key still lives keep their hash findable.
    await runner.query(`
      INSERT INTO identity_subjects (subject_id, registry_id)
      SELECT DISTINCT ON (subject_id) subject_id, registry_id FROM (
        SELECT e.data->'identity'->>'subjectId' AS subject_id,
               (e.data->'identity'->>'registryId')::uuid AS registry_id
          FROM es_events e
         WHERE e.event_type = 'IdentitySubmitted'
      ) AS submitted
      WHERE subject_id IS NOT NULL
        AND NOT EXISTS (
          SELECT 1 FROM pii_data_keys k
           WHERE k.subject_id = submitted.subject_id AND k.shredded_at IS NOT NULL)`);
    await runner.query(`
      DELETE FROM identity_index i
       WHERE NOT EXISTS (SELECT 1 FROM identity_subjects s WHERE s.registry_id = i.registry_id)`);
  }

  async down(): Promise<void> {
    // The hashes and masks removed from the log are gone for good, as they must be.
    throw new Error('IdentityIndex1765000000000 cannot be reverted');
  }
}
