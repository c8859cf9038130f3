import { Command } from '@nestjs/cqrs';
import type { DocumentContent } from '@shiming/integrations';
import type { Staff } from '../../domain';

/** A certificate image of the case, for staff who may work it; each view is recorded. */
export class ViewDocumentCommand extends Command<DocumentContent> {
  constructor(
    readonly caseId: string,
    readonly documentId: string,
    readonly staff: Staff,
  ) {
    super();
  }
}
