import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit lists searches by personal data (`PersonalDataSearched`) too. The searches
 * made before are in the log: the projection's checkpoint goes, so that it reads the log
 * again from the start. Its rows stay readable meanwhile: each is keyed by its event and
 * written once, so the replay adds the searches and leaves the rest as they are.
 */
export class AuditSearches1766400000000 implements MigrationInterface {
  name = 'AuditSearches1766400000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`DELETE FROM es_checkpoints WHERE subscription_id = 'backoffice-audit'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DELETE FROM backoffice_audit WHERE action = 'personal_data_searched'`);
  }
}
