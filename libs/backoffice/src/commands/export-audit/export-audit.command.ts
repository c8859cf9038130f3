import { Command } from '@nestjs/cqrs';
import type { AuditFilter, Staff } from '../../domain';
import type { AuditEntry } from '../../infrastructure/audit-log.repository';

/**
 * A supervisor exports the audit for a filter: the export is recorded first, then the
 * entries come page by page, newest first, for the caller to stream.
 */
export class ExportAuditCommand extends Command<AsyncIterable<AuditEntry>> {
  constructor(
    readonly staff: Staff,
    readonly filter: AuditFilter,
  ) {
    super();
  }
}
