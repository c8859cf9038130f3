import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { currentCorrelationId } from '@shiming/common';
import { EventStore, eventMetadata } from '@shiming/event-store';
import { VerificationCases } from '@shiming/verification';
import { CLOCK, ID_GENERATOR, type Clock, type IdGenerator } from '@shiming/workflow';
import { personalDataSearchStreamId, type PersonalDataSearched } from '../../domain';
import { CaseList, type CaseListPage } from '../../views/case-list';
import { SearchCasesCommand } from './search-cases.command';

@CommandHandler(SearchCasesCommand)
export class SearchCasesHandler implements ICommandHandler<SearchCasesCommand> {
  constructor(
    private readonly verification: VerificationCases,
    private readonly list: CaseList,
    private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async execute({ staff, by, value, filter }: SearchCasesCommand): Promise<CaseListPage> {
    // Exact matches of the keyed hash: no number is scanned for or decrypted.
    const subjects = await this.verification.subjectsMatching(by, value);
    const page = await this.list.page(staff, { ...filter, subjects });
    // Recorded before the answer leaves: no search goes unrecorded, found or not.
    const searchId = this.ids.newId();
    const correlationId = currentCorrelationId() ?? searchId;
    const event: PersonalDataSearched = {
      type: 'PersonalDataSearched',
      data: {
        at: this.clock.now().toISOString(),
        staffId: staff.id,
        by,
        caseIds: page.items.map((c) => c.id),
        nextPage: filter.cursor !== undefined,
      },
    };
    await this.store.append(
      personalDataSearchStreamId(searchId),
      'no_stream',
      [{ id: searchId, ...event }],
      {
        metadata: eventMetadata({
          actor: { type: 'staff', id: staff.id },
          correlationId,
          requestId: correlationId,
        }),
      },
    );
    return page;
  }
}
