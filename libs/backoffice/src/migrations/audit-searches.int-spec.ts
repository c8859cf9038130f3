import { dataSourceOptions } from '@shiming/common';
import type { RecordedEvent } from '@shiming/event-store';
import { DataSource } from 'typeorm';
import { applicationMigrations } from '../../../../apps/shared/migrations';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { AuditLogRepository } from '../infrastructure/audit-log.repository';
import { AuditLogProjection } from '../projections/audit-log.projection';

// An upgrade of a database whose audit was written by the release before: its searches
// by personal data are in the log, and the audit's checkpoint is past them.
describe('migration AuditSearches1766400000000', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  const SEARCH_ID = '0193a1b2-0000-7000-8000-000000000001';
  const VIEW_ID = '0193a1b2-0000-7000-8000-000000000002';
  const CASE_ID = '0193a1b2-0000-7000-8000-0000000000c1';

  const earlier = applicationMigrations.filter((m) => m.name !== 'AuditSearches1766400000000');

  beforeAll(async () => {
    db = await createTestDatabase(null);
    const before = await new DataSource(
      dataSourceOptions({ databaseUrl: db.url, migrations: earlier, poolSize: 2 }),
    ).initialize();
    await before.runMigrations({ transaction: 'each' });
    await before.query(
      `INSERT INTO es_events (stream_id, stream_version, event_id, event_type, schema_version, data, metadata, recorded_at)
       VALUES ('pii-search-1', 1, $1, 'PersonalDataSearched', 1, $2, '{}', now())`,
      [
        SEARCH_ID,
        JSON.stringify({
          at: '2026-12-01T02:00:00.000Z',
          staffId: 'rev-1',
          by: 'mobile',
          caseIds: [CASE_ID],
          nextPage: false,
        }),
      ],
    );
    // What the audit had: a document view, and its checkpoint past the search.
    await before.query(
      `INSERT INTO backoffice_audit (event_id, at, action, staff_id, case_id, details)
       VALUES ($1, '2026-12-01T01:00:00Z', 'document_viewed', 'rev-1', $2, '{"documentId":"d1"}')`,
      [VIEW_ID, CASE_ID],
    );
    await before.query(
      `INSERT INTO es_checkpoints (subscription_id, transaction_id, global_position)
       VALUES ('backoffice-audit', pg_current_xact_id(), 1000)`,
    );
    await before.destroy();

    dataSource = await new DataSource(
      dataSourceOptions({ databaseUrl: db.url, migrations: applicationMigrations, poolSize: 2 }),
    ).initialize();
    await dataSource.runMigrations({ transaction: 'each' });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('drops the audit’s checkpoint, so that it reads the log from the start, and keeps its rows', async () => {
    expect(
      await dataSource.query(
        `SELECT 1 FROM es_checkpoints WHERE subscription_id = 'backoffice-audit'`,
      ),
    ).toEqual([]);
    expect(await dataSource.query(`SELECT event_id, action FROM backoffice_audit`)).toEqual([
      { event_id: VIEW_ID, action: 'document_viewed' },
    ]);
  });

  it('the replay adds the earlier search, by kind of value, and leaves the rest as it was', async () => {
    const rows: { event_id: string; stream_id: string; event_type: string; data: object }[] =
      await dataSource.query(
        `SELECT event_id, stream_id, event_type, data FROM es_events ORDER BY global_position`,
      );
    const events = rows.map(
      (row, index) =>
        ({
          eventId: row.event_id,
          streamId: row.stream_id,
          streamVersion: index + 1,
          type: row.event_type,
          schemaVersion: 1,
          data: row.data,
          metadata: {},
          recordedAt: new Date(),
          position: { transactionId: 1n, globalPosition: BigInt(index + 1) },
        }) as RecordedEvent,
    );
    const projection = new AuditLogProjection(new AuditLogRepository(dataSource));
    await dataSource.transaction((tx) => projection.apply(events, tx));
    const audit = await new AuditLogRepository(dataSource).page({ limit: 10 });
    expect(audit).toEqual([
      expect.objectContaining({
        eventId: SEARCH_ID,
        action: 'personal_data_searched',
        staffId: 'rev-1',
        caseId: null,
        details: { searchedBy: 'mobile', caseIds: [CASE_ID], nextPage: false },
      }),
      expect.objectContaining({ eventId: VIEW_ID, action: 'document_viewed' }),
    ]);
  });
});
