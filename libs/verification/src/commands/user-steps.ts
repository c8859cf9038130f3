import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { currentCorrelationId } from '@shiming/common';
import { CLOCK, type Clock } from '@shiming/workflow';
import { IdentitySubmissionLockedError, secondsUntil, type VerificationEvent } from '../domain';
import {
  VerificationCommandExecutor,
  type CallSecrets,
  type CommandSource,
  type StepOutcome,
} from '../infrastructure/verification-command.executor';
import { OutsideCallRunner } from '../reactions/outside-call.runner';
import { StatusAnswers, type StepAnswer } from './status-answers';
import {
  WrongDepositAmountError,
  WrongPaymentPasswordError,
  WrongSmsCodeError,
} from './user-step.errors';

/** What a command handler knows of the HTTP request behind it. */
export interface RequestContext {
  /** The request's `Idempotency-Key`: the command id derives from it. */
  idempotencyKey?: string;
}

// How long a request waits for an outside call that someone else is making.
const FAST_PATH_WAIT_MS = 5_000;

/**
 * One user step: the command on the account's stream, then the outside calls its
 * events ask for, made at once (the fast path; the process manager makes any that
 * fail), then the answer. Wrong answers are refused only after they were recorded.
 */
@Injectable()
export class UserSteps {
  constructor(
    private readonly executor: VerificationCommandExecutor,
    private readonly calls: OutsideCallRunner,
    private readonly answers: StatusAnswers,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The instant a command is decided at. */
  now(): string {
    return this.clock.now().toISOString();
  }

  async take(
    accountId: string,
    step: string,
    command: CommandSource,
    request: RequestContext,
    secrets?: CallSecrets,
  ): Promise<StepAnswer> {
    const outcome = await this.run(accountId, step, command, request, secrets);
    await this.calls.runNow(outcome.calls, FAST_PATH_WAIT_MS);
    const refusal = wrongAnswer(outcome.events, this.now());
    if (refusal) {
      // Recorded all the same: a status read right after shows the count.
      await this.answers.readModelAt(outcome.position);
      throw refusal;
    }
    return this.answers.current(accountId);
  }

  /** The command alone, for steps that answer with something else than the status. */
  run(
    accountId: string,
    step: string,
    command: CommandSource,
    request: RequestContext,
    secrets?: CallSecrets,
  ): Promise<StepOutcome> {
    const correlationId = currentCorrelationId() ?? randomUUID();
    return this.executor.execute(accountId, command, {
      actor: { type: 'user', id: accountId },
      correlationId,
      requestId: correlationId,
      commandId: request.idempotencyKey
        ? `user:${accountId}:${step}:${request.idempotencyKey}`
        : `user:${randomUUID()}`,
      ...(secrets ? { secrets } : {}),
    });
  }
}

/** The error that tells the user their answer was wrong, once it is recorded. */
function wrongAnswer(events: readonly VerificationEvent[], now: string): Error | undefined {
  for (const event of events) {
    switch (event.type) {
      case 'IdentitySubmissionLocked':
        return new IdentitySubmissionLockedError(
          event.data.until,
          secondsUntil(now, event.data.until),
        );
      case 'PaymentPasswordRejected':
        if (!events.some((e) => e.type === 'IdentitySubmissionLocked')) {
          return new WrongPaymentPasswordError(event.data.attemptsLeft);
        }
        break;
      case 'SmsCodeRejected':
        return new WrongSmsCodeError(event.data.attemptsLeft);
      case 'MicroDepositAmountRejected':
        return new WrongDepositAmountError(event.data.attemptsLeft);
      default:
        break;
    }
  }
  return undefined;
}
