import { Controller, Get, Query, Res, StreamableFile } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply as Response } from 'fastify';
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import {
  ExportAuditCommand,
  ListAuditQuery,
  type AuditEntry,
  type AuditFilter,
  type AuditPage,
} from '@shiming/backoffice';
import { CurrentPrincipal, Roles, type Principal } from '@shiming/common';
import { ApiProblems, problem, VALIDATION_FAILED } from '../http/api-problems';
import { AuditPageDto, AuditPageQueryDto, AuditQueryDto } from './backoffice-tools.dto';

const SUPERVISORS_ONLY = problem(403, 'forbidden', 'Only a supervisor reads the audit.');

// Column by column: ids, codes and field names; no value of personal data, and no
// free text (a justification stays in the app, where it sits beside its case).
const CSV_COLUMNS: { header: string; of: (entry: AuditEntry) => string }[] = [
  { header: 'at_beijing_time', of: (e) => beijingIso(e.at) },
  { header: 'action', of: (e) => e.action },
  { header: 'staff_id', of: (e) => e.staffId },
  { header: 'case_id', of: (e) => e.caseId ?? '' },
  { header: 'case_kind', of: (e) => e.caseKind ?? '' },
  { header: 'account_id', of: (e) => e.accountId ?? '' },
  { header: 'holder_account_id', of: (e) => e.holderAccountId ?? '' },
  { header: 'fields', of: (e) => listOf(e.details.fields) },
  { header: 'document_id', of: (e) => textOf(e.details.documentId) },
  { header: 'outcome', of: (e) => textOf(e.details.outcome) },
  { header: 'reason_code', of: (e) => textOf(e.details.reasonCode) },
  { header: 'approved_by', of: (e) => textOf(e.details.approvedBy) },
  {
    header: 'approved',
    of: (e) => (typeof e.details.approved === 'boolean' ? String(e.details.approved) : ''),
  },
  { header: 'event_id', of: (e) => e.eventId },
  // A search by personal data: the kind of value (never the value) and the cases shown.
  { header: 'searched_by', of: (e) => textOf(e.details.searchedBy) },
  { header: 'case_ids', of: (e) => listOf(e.details.caseIds) },
];

const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** `2026-12-09T23:59:00.000+08:00`: absolute, and the time people in Beijing read. */
export function beijingIso(at: string): string {
  return `${new Date(Date.parse(at) + BEIJING_OFFSET_MS).toISOString().slice(0, -1)}+08:00`;
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function listOf(value: unknown): string {
  return Array.isArray(value) ? value.filter((v) => typeof v === 'string').join(' ') : '';
}

function filterOf(query: AuditQueryDto): AuditFilter {
  return {
    ...(query.staffId ? { staffId: query.staffId } : {}),
    ...(query.accountId ? { accountId: query.accountId } : {}),
    ...(query.from ? { from: new Date(query.from).toISOString() } : {}),
    ...(query.to ? { to: new Date(query.to).toISOString() } : {}),
  };
}

/**
 * The supervisors' audit across cases: who viewed documents, revealed, compared or
 * searched by personal data, decided, or exported the audit; by staff member, account
 * and time.
 */
@ApiTags('backoffice')
@ApiBearerAuth()
@Roles('supervisor')
@Controller('v1/backoffice/audit')
export class BackofficeAuditController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Audited actions across cases, newest first, cursor-paged (supervisors)',
    description:
      'Document views, reveals, comparisons, decisions, searches by ID number or mobile (`personal_data_searched`: the kind of value and the cases shown) and audit exports, by `staffId`, by `accountId` (applicant or holder; searches name no account), within `from`–`to`. Never a value of personal data.',
  })
  @ApiOkResponse({ type: AuditPageDto })
  @ApiProblems(VALIDATION_FAILED, SUPERVISORS_ONLY)
  list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: AuditPageQueryDto,
  ): Promise<AuditPage> {
    return this.queries.execute(
      new ListAuditQuery(
        { id: principal.sub, roles: principal.roles },
        {
          ...filterOf(query),
          ...(query.limit ? { limit: query.limit } : {}),
          ...(query.cursor ? { cursor: query.cursor } : {}),
        },
      ),
    );
  }

  @Get('export.csv')
  @ApiOperation({
    summary: 'The audit for a filter as CSV, streamed; the export is itself audited',
    description:
      'UTF-8 with a byte-order mark, times in Beijing time (+08:00). Ids, codes and field names only; a cell that a spreadsheet would read as a formula is prefixed with a quote.',
  })
  @ApiOkResponse({
    description: 'The CSV file',
    content: { 'text/csv': { schema: { type: 'string' } } },
  })
  @ApiProblems(VALIDATION_FAILED, SUPERVISORS_ONLY)
  async export(
    @CurrentPrincipal() principal: Principal,
    @Query() query: AuditQueryDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    const entries = await this.commands.execute(
      new ExportAuditCommand({ id: principal.sub, roles: principal.roles }, filterOf(query)),
    );
    const csv = stringify({
      bom: true,
      header: true,
      columns: CSV_COLUMNS.map((c) => c.header),
      // =, +, -, @, tab and carriage return at a cell's start: a quote first.
      escape_formulas: true,
    });
    const rows = Readable.from(
      (async function* () {
        for await (const entry of entries) yield CSV_COLUMNS.map((c) => c.of(entry));
      })(),
    );
    rows.on('error', (error) => csv.destroy(error));
    response.header('Cache-Control', 'no-store');
    response.header('X-Content-Type-Options', 'nosniff');
    return new StreamableFile(rows.pipe(csv), {
      type: 'text/csv; charset=utf-8',
      disposition: 'attachment; filename="audit.csv"',
    });
  }
}
