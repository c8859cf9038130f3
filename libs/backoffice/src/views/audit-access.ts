import { ValidationError } from '@shiming/common';
import { CaseRoleError, type AuditFilter, type Staff } from '../domain';
import type { AuditCursor, AuditEntry } from '../infrastructure/audit-log.repository';

// Who may read the audit across cases, and how its filter and cursor are read: for the
// audit view and its export alike.

export function assertSupervisor(staff: Staff): void {
  if (!staff.roles.includes('supervisor')) {
    throw new CaseRoleError('Only a supervisor reads the audit across cases.');
  }
}

/** The filter as the repository takes it; a supervisor's own account stays out of it. */
export function auditQueryOf(staff: Staff, filter: AuditFilter) {
  if (filter.from && filter.to && Date.parse(filter.from) > Date.parse(filter.to)) {
    throw new ValidationError([
      { field: 'to', code: 'invalid_range', message: 'to must not be before from' },
    ]);
  }
  return {
    ...(filter.staffId ? { staffId: filter.staffId } : {}),
    ...(filter.accountId ? { accountId: filter.accountId } : {}),
    ...(filter.from ? { from: filter.from } : {}),
    ...(filter.to ? { to: filter.to } : {}),
    notAbout: staff.id,
  };
}

export function encodeAuditCursor(entry: Pick<AuditEntry, 'at' | 'eventId'>): string {
  return Buffer.from(JSON.stringify([entry.at, entry.eventId])).toString('base64url');
}

export function decodeAuditCursor(cursor: string): AuditCursor {
  try {
    const [at, eventId] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      typeof at === 'string' &&
      !Number.isNaN(Date.parse(at)) &&
      typeof eventId === 'string' &&
      /^[0-9a-f-]{36}$/i.test(eventId)
    ) {
      return { at, eventId };
    }
  } catch {
    // reported below
  }
  throw new ValidationError([
    { field: 'cursor', code: 'invalid_cursor', message: 'cursor is not one this API gave out' },
  ]);
}
