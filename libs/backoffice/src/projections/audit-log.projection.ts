import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Projection, RecordedEvent } from '@shiming/event-store';
import type { AuditExported, CaseEvent, PersonalDataSearched } from '../domain';
import { caseIdOfStream } from '../backoffice.streams';
import { AuditLogRepository, type AuditAction } from '../infrastructure/audit-log.repository';

/**
 * `backoffice_audit`: every document view, reveal, comparison, decision and second
 * approval across cases, every search by personal data and every audit export, with who
 * and when, for the supervisors'
 * audit view. Rebuilt from the log like any projection (`projection:rebuild
 * backoffice-audit`).
 */
@Injectable()
export class AuditLogProjection implements Projection {
  static readonly NAME = 'backoffice-audit';
  readonly name = AuditLogProjection.NAME;
  readonly eventTypes = [
    'CaseOpened',
    'DocumentViewed',
    'PersonalDataRevealed',
    'IdentityCompared',
    'CaseDecided',
    'ProposalApproved',
    'ProposalRejected',
    'AuditExported',
    'PersonalDataSearched',
  ];

  constructor(private readonly audit: AuditLogRepository) {}

  async apply(events: RecordedEvent[], tx: EntityManager): Promise<void> {
    for (const event of events) {
      if (event.type === 'AuditExported') {
        const { at, by, filter, format } = event.data as AuditExported['data'];
        await this.audit.add(tx, {
          eventId: event.eventId,
          at,
          action: 'audit_exported',
          staffId: by,
          caseId: null,
          caseKind: null,
          accountId: null,
          holderAccountId: null,
          details: { filter, format },
        });
        continue;
      }
      if (event.type === 'PersonalDataSearched') {
        // The kind of value and the cases shown; the event has no value to keep, nor a mask.
        const { at, staffId, by, caseIds, nextPage } = event.data as PersonalDataSearched['data'];
        await this.audit.add(tx, {
          eventId: event.eventId,
          at,
          action: 'personal_data_searched',
          staffId,
          caseId: null,
          caseKind: null,
          accountId: null,
          holderAccountId: null,
          details: { searchedBy: by, caseIds, nextPage },
        });
        continue;
      }
      const caseId = caseIdOfStream(event.streamId);
      if (!caseId) continue;
      const caseEvent = { type: event.type, data: event.data } as CaseEvent;
      if (caseEvent.type === 'CaseOpened') {
        const { kind, accountId, holderAccountId } = caseEvent.data;
        await this.audit.addCase(tx, caseId, { kind, accountId, holderAccountId });
        continue;
      }
      const entry = auditedOf(caseEvent);
      if (!entry) continue;
      const opened = await this.audit.caseOf(tx, caseId);
      await this.audit.add(tx, {
        eventId: event.eventId,
        at: caseEvent.data.at,
        ...entry,
        caseId,
        caseKind: opened?.kind ?? null,
        accountId: opened?.accountId ?? null,
        holderAccountId: opened?.holderAccountId ?? null,
      });
    }
  }

  async reset(tx: EntityManager): Promise<void> {
    await this.audit.clear(tx);
  }
}

/** What the audit keeps of a case event: ids, codes, field names and the justification. */
function auditedOf(
  event: CaseEvent,
): { action: AuditAction; staffId: string; details: Record<string, unknown> } | null {
  switch (event.type) {
    case 'DocumentViewed':
      return {
        action: 'document_viewed',
        staffId: event.data.by,
        details: { documentId: event.data.documentId },
      };
    case 'PersonalDataRevealed':
      return {
        action: 'personal_data_revealed',
        staffId: event.data.by,
        details: { fields: [event.data.field], justification: event.data.justification },
      };
    case 'IdentityCompared':
      return {
        action: 'identity_compared',
        staffId: event.data.by,
        details: { fields: event.data.fields, justification: event.data.justification },
      };
    case 'CaseDecided':
      return {
        action: 'case_decided',
        staffId: event.data.by,
        details: {
          outcome: event.data.outcome,
          ...(event.data.reasonCode ? { reasonCode: event.data.reasonCode } : {}),
          ...(event.data.approvedBy ? { approvedBy: event.data.approvedBy } : {}),
        },
      };
    case 'ProposalApproved':
    case 'ProposalRejected':
      // A supervisor's second approval is their decision too, found by their id.
      return {
        action: 'proposal_reviewed',
        staffId: event.data.by,
        details: { approved: event.type === 'ProposalApproved' },
      };
    default:
      return null;
  }
}
