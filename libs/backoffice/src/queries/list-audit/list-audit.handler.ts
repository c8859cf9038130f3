import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { AuditLogRepository } from '../../infrastructure/audit-log.repository';
import {
  assertSupervisor,
  auditQueryOf,
  decodeAuditCursor,
  encodeAuditCursor,
} from '../../views/audit-access';
import { ListAuditQuery, type AuditPage } from './list-audit.query';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;

@QueryHandler(ListAuditQuery)
export class ListAuditHandler implements IQueryHandler<ListAuditQuery> {
  constructor(private readonly audit: AuditLogRepository) {}

  async execute({ staff, filter }: ListAuditQuery): Promise<AuditPage> {
    assertSupervisor(staff);
    const limit = Math.min(Math.max(filter.limit ?? DEFAULT_LIMIT, 1), MAX_LIMIT);
    const rows = await this.audit.page({
      ...auditQueryOf(staff, filter),
      limit: limit + 1,
      ...(filter.cursor ? { before: decodeAuditCursor(filter.cursor) } : {}),
    });
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items,
      nextCursor: rows.length > limit && last ? encodeAuditCursor(last) : null,
    };
  }
}
