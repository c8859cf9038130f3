import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AuditLogRepository, type AuditEntry } from '../../infrastructure/audit-log.repository';
import { StaffStreams } from '../../infrastructure/staff-streams';
import { assertSupervisor, auditQueryOf } from '../../views/audit-access';
import { ExportAuditCommand } from './export-audit.command';

// Rows read per query while streaming: memory stays flat whatever the export's size.
const PAGE = 500;

@CommandHandler(ExportAuditCommand)
export class ExportAuditHandler implements ICommandHandler<ExportAuditCommand> {
  constructor(
    private readonly streams: StaffStreams,
    private readonly audit: AuditLogRepository,
  ) {}

  async execute({ staff, filter }: ExportAuditCommand): Promise<AsyncIterable<AuditEntry>> {
    assertSupervisor(staff);
    // Recorded before a row leaves: who exported what, on their own stream.
    await this.streams.run(staff.id, {
      type: 'ExportAudit',
      data: { at: this.streams.now(), by: staff.id, filter },
    });
    return this.entries(auditQueryOf(staff, filter));
  }

  private async *entries(query: ReturnType<typeof auditQueryOf>): AsyncIterable<AuditEntry> {
    let before: { at: string; eventId: string } | undefined;
    for (;;) {
      const page = await this.audit.page({ ...query, limit: PAGE, ...(before ? { before } : {}) });
      yield* page;
      const last = page[page.length - 1];
      if (page.length < PAGE || !last) return;
      before = { at: last.at, eventId: last.eventId };
    }
  }
}
