import { randomUUID } from 'node:crypto';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  currentCorrelationId,
  ForbiddenError,
  NotFoundError,
  ValidationError,
  type Role,
} from '@shiming/common';
import type { VerificationCommand } from '../../domain';
import {
  VerificationCasesRepository,
  type CaseKind,
} from '../../infrastructure/verification-cases.repository';
import { VerificationCommandExecutor } from '../../infrastructure/verification-command.executor';
import { UserSteps } from '../user-steps';
import {
  DecideCaseCommand,
  type CaseDecision,
  type CaseDecisionAnswer,
} from './decide-case.command';

const DECIDERS: Record<CaseKind, Role[]> = {
  manual_review: ['reviewer', 'supervisor'],
  appeal: ['support', 'supervisor'],
};

@CommandHandler(DecideCaseCommand)
export class DecideCaseHandler implements ICommandHandler<DecideCaseCommand> {
  constructor(
    private readonly cases: VerificationCasesRepository,
    private readonly executor: VerificationCommandExecutor,
    private readonly steps: UserSteps,
  ) {}

  async execute({ caseId, staff, decision }: DecideCaseCommand): Promise<CaseDecisionAnswer> {
    const found = await this.cases.find(caseId);
    if (!found) throw new NotFoundError(`No case ${caseId}.`);
    if (!DECIDERS[found.kind].some((role) => staff.roles.includes(role))) {
      throw new ForbiddenError(
        `Deciding a ${found.kind.replace('_', ' ')} needs the role ${DECIDERS[found.kind].join(' or ')}.`,
      );
    }
    const command = this.commandFor(found.kind, caseId, decision, this.steps.now());
    const correlationId = currentCorrelationId() ?? randomUUID();
    const outcome = await this.executor.execute(found.accountId, command, {
      actor: { type: 'staff', id: staff.sub },
      correlationId,
      requestId: correlationId,
      commandId: `staff:${randomUUID()}`,
    });
    if (decision.internalNote) await this.cases.annotate(caseId, decision.internalNote);
    return {
      caseId,
      kind: found.kind,
      outcome: OUTCOMES[found.kind][decision.outcome],
      accountState: outcome.state.status,
    };
  }

  private commandFor(
    kind: CaseKind,
    caseId: string,
    decision: CaseDecision,
    at: string,
  ): VerificationCommand {
    if (decision.outcome === 'request_reupload') {
      if (!decision.userMessage?.trim()) {
        throw new ValidationError([
          {
            field: 'userMessage',
            code: 'required',
            message: 'userMessage must tell the user what to upload again',
          },
        ]);
      }
      return {
        type: 'RequestReupload',
        data: { at, caseId, documentKind: 'certificates', userMessage: decision.userMessage },
      };
    }
    const approved = decision.outcome === 'approve';
    const reason = {
      ...(decision.reasonCode !== undefined ? { reasonCode: decision.reasonCode } : {}),
      ...(decision.userMessage !== undefined ? { userMessage: decision.userMessage } : {}),
    };
    return kind === 'manual_review'
      ? {
          type: 'DecideManualReview',
          data: {
            at,
            caseId,
            approved,
            ...reason,
            ...(decision.final !== undefined ? { final: decision.final } : {}),
          },
        }
      : { type: 'DecideAppeal', data: { at, caseId, upheld: approved, ...reason } };
  }
}

const OUTCOMES: Record<CaseKind, Record<CaseDecision['outcome'], CaseDecisionAnswer['outcome']>> = {
  manual_review: {
    approve: 'approved',
    reject: 'rejected',
    request_reupload: 'reupload_requested',
  },
  appeal: { approve: 'upheld', reject: 'denied', request_reupload: 'reupload_requested' },
};
