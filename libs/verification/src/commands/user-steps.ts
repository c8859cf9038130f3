import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { currentCorrelationId } from '@shiming/common';
import {
  CLOCK,
  ID_GENERATOR,
  TimerScheduler,
  type Clock,
  type IdGenerator,
} from '@shiming/workflow';
import {
  IdentitySubmissionLockedError,
  secondsUntil,
  type VerificationCommand,
  type VerificationEvent,
  type VerificationState,
} from '../domain';
import {
  VerificationCommandExecutor,
  type CallSecrets,
  type CommandSource,
  type StepContext,
  type StepOutcome,
} from '../infrastructure/verification-command.executor';
import type { CallsInClear } from '../outside-calls/outside-call.handler';
import { OUTSIDE_CALL_LEASE_MS, OutsideCallRunner } from '../outside-calls/outside-call.runner';
import { StatusAnswers, type StepAnswer } from './status-answers';
import {
  GuessInProgressError,
  WrongDepositAmountError,
  WrongPaymentPasswordError,
  WrongSmsCodeError,
} from './user-step.errors';

/** What a command handler knows of the HTTP request behind it. */
export interface RequestContext {
  /** The request's `Idempotency-Key`: the command id derives from it. */
  idempotencyKey?: string;
}

/** What a step adds to its command: secrets for outside calls, writes of its own. */
export interface StepExtras {
  secrets?: CallSecrets;
  withEvents?: StepContext['withEvents'];
  /** Cleans up after a command that was refused or failed (files written for it). */
  onAbort?: () => Promise<void>;
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
  private readonly logger = new Logger(UserSteps.name);

  constructor(
    private readonly executor: VerificationCommandExecutor,
    private readonly calls: OutsideCallRunner,
    private readonly answers: StatusAnswers,
    private readonly scheduler: TimerScheduler,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
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
    extras: StepExtras = {},
  ): Promise<StepAnswer> {
    let outcome: StepOutcome;
    try {
      // This request makes the calls its command opens, right after the commit.
      outcome = await this.executor.execute(accountId, command, {
        ...this.stepContext(accountId, step, request, extras),
        claimCallsFor: OUTSIDE_CALL_LEASE_MS,
      });
    } catch (error) {
      await extras.onAbort?.().catch((failure: unknown) => this.logger.error(failure));
      throw error;
    }
    return this.answer(accountId, outcome);
  }

  /**
   * A step whose answer an outside party checks before the command is decided (the
   * payment password). One such guess per account at a time, in one transaction with the
   * command: `prepare` sees the state the command is decided on, so it can refuse before
   * the answer is checked at all, and every answer it checks is counted by the command
   * that follows. A second guess while one is being checked is refused, not queued.
   */
  async takeGuess(
    accountId: string,
    step: string,
    request: RequestContext,
    prepare: (tx: EntityManager, state: VerificationState) => Promise<VerificationCommand>,
    inClear: CallsInClear = {},
  ): Promise<StepAnswer> {
    const outcome = await this.dataSource.transaction(async (tx) => {
      const [{ locked }]: { locked: boolean }[] = await tx.query(
        `SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS locked`,
        [`shiming:guess:${accountId}`],
      );
      if (!locked) throw new GuessInProgressError();
      // Made from the state the command is decided on, in this transaction.
      return this.executor.execute(accountId, (state, inner) => prepare(inner, state), {
        ...this.context(accountId, step, request),
        claimCallsFor: OUTSIDE_CALL_LEASE_MS,
        // The guess is checked on the strength of the state: never a kept one, which
        // another process may have moved on (locked the account, say) unseen here.
        readFirst: true,
        transaction: tx,
      });
    });
    await this.scheduler.enqueue(outcome.scheduled);
    return this.answer(accountId, outcome, inClear);
  }

  /** The command alone, for steps that answer with something else than the status. */
  run(
    accountId: string,
    step: string,
    command: CommandSource,
    request: RequestContext,
    extras: StepExtras = {},
  ): Promise<StepOutcome> {
    return this.executor.execute(
      accountId,
      command,
      this.stepContext(accountId, step, request, extras),
    );
  }

  private stepContext(
    accountId: string,
    step: string,
    request: RequestContext,
    extras: StepExtras,
  ): StepContext {
    return {
      ...this.context(accountId, step, request),
      ...(extras.secrets ? { secrets: extras.secrets } : {}),
      ...(extras.withEvents ? { withEvents: extras.withEvents } : {}),
    };
  }

  /**
   * The outside calls the events ask for, made at once with what the command left (its
   * state and events, the values the request has in clear), then the answer, from the
   * last command on the account.
   */
  private async answer(
    accountId: string,
    outcome: StepOutcome,
    inClear: CallsInClear = {},
  ): Promise<StepAnswer> {
    const account = {
      accountId,
      state: outcome.state,
      events: outcome.eventIds.map((eventId, index) => ({ eventId, ...outcome.events[index] })),
    };
    const latest = await this.calls.runNow(outcome.calls, FAST_PATH_WAIT_MS, {
      account,
      inClear,
      claimed: outcome.claimedCalls,
    });
    const refusal = wrongAnswer(outcome.events, this.now());
    // Recorded all the same, with the read model: a status read right after shows the count.
    if (refusal) throw refusal;
    // A call made by someone else (the process manager got there first) recorded its
    // answer where this request did not see it: read the account then. Calls opened in
    // this request's hands were made here (or failed, and nothing was recorded).
    const held = new Set(outcome.claimedCalls.map((call) => call.callId));
    if (!latest && outcome.calls.some((callId) => !held.has(callId))) {
      return this.answers.current(accountId);
    }
    return this.answers.after(accountId, latest ?? outcome);
  }

  private context(accountId: string, step: string, request: RequestContext): StepContext {
    const correlationId = currentCorrelationId() ?? this.ids.newId();
    return {
      actor: { type: 'user', id: accountId },
      correlationId,
      requestId: correlationId,
      commandId: request.idempotencyKey
        ? `user:${accountId}:${step}:${request.idempotencyKey}`
        : `user:${this.ids.newId()}`,
    };
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
