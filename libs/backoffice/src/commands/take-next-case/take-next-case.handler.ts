import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  AlreadyClaimedError,
  CaseRoleError,
  CaseWrongStateError,
  kindsFor,
  OwnCaseError,
} from '../../domain';
import { CaseQueueRepository } from '../../infrastructure/case-queue.repository';
import type { CaseView } from '../../views/case-view';
import { CaseRequests } from '../case-request';
import { TakeNextCaseCommand } from './take-next-case.command';

// Candidates read at once; the queue may lag the streams, so some are already taken.
const CANDIDATES = 20;
const ROUNDS = 5;

@CommandHandler(TakeNextCaseCommand)
export class TakeNextCaseHandler implements ICommandHandler<TakeNextCaseCommand> {
  constructor(
    private readonly queue: CaseQueueRepository,
    private readonly requests: CaseRequests,
  ) {}

  async execute({ staff, kind }: TakeNextCaseCommand): Promise<CaseView | null> {
    const mine = kindsFor(staff.roles);
    const kinds = kind ? mine.filter((k) => k === kind) : mine;
    if (kinds.length === 0) {
      throw new CaseRoleError(`The caller's roles do not work ${kind ?? 'any'} cases.`);
    }
    const tried = new Set<string>();
    for (let round = 0; round < ROUNDS; round++) {
      const candidates = (await this.queue.claimable(kinds, staff.id, CANDIDATES)).filter(
        (id) => !tried.has(id),
      );
      if (candidates.length === 0) return null;
      for (const caseId of candidates) {
        tried.add(caseId);
        try {
          return await this.requests.runAndView(caseId, staff, {
            type: 'ClaimCase',
            data: { at: this.requests.now(), staff },
          });
        } catch (error) {
          // Someone else took it first, or it moved on: the next one.
          const taken =
            error instanceof AlreadyClaimedError ||
            error instanceof CaseWrongStateError ||
            error instanceof OwnCaseError;
          if (!taken) throw error;
        }
      }
    }
    return null;
  }
}
