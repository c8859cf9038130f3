import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { DocumentContent } from '@shiming/integrations';
import { VerificationCases } from '@shiming/verification';
import { CaseRequests } from '../case-request';
import { ViewDocumentCommand } from './view-document.command';

@CommandHandler(ViewDocumentCommand)
export class ViewDocumentHandler implements ICommandHandler<ViewDocumentCommand> {
  constructor(
    private readonly requests: CaseRequests,
    private readonly verification: VerificationCases,
  ) {}

  async execute({ caseId, documentId, staff }: ViewDocumentCommand): Promise<DocumentContent> {
    // Recorded before the bytes leave: an attempted view is on the timeline too.
    const { state } = await this.requests.run(caseId, staff, {
      type: 'ViewDocument',
      data: { at: this.requests.now(), staff, documentId },
    });
    if (state.status === 'none') throw new Error('A viewed case has a state');
    return this.verification.document(state.accountId, documentId);
  }
}
