import type { EntityManager } from 'typeorm';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { inSpan, linkActiveSpan, Metrics } from '@shiming/common';
import type { RecordedEvent } from '@shiming/event-store';
import { CLOCK, type Clock } from '@shiming/workflow';
import type { VerificationCommand } from '../domain';
import {
  OutsideCallsRepository,
  type OutsideCall,
} from '../infrastructure/outside-calls.repository';
import { PersonalData } from '../infrastructure/personal-data';
import { VerificationAccounts } from '../infrastructure/verification-accounts';
import {
  VerificationCommandExecutor,
  type StepOutcome,
} from '../infrastructure/verification-command.executor';
import type { CallsInClear, KnownAccount } from './outside-call.handler';
import { OutsideCallRegistry } from './outside-call.registry';

/** How long one maker of a call holds it before another may take it over. */
export const OUTSIDE_CALL_LEASE_MS = 15_000;

/** Failed attempts after which a call is given up and left to an operator. */
const MAX_CALL_ATTEMPTS = 8;

const POLL_MS = 50;

type CallResult = 'done' | 'pending';

/**
 * What a request hands its fast path: the account as its command left it, values in
 * clear, and the calls its command opened in its hands (made without a claim).
 */
export interface FastPathKnowledge {
  account?: KnownAccount;
  inClear?: CallsInClear;
  claimed?: readonly OutsideCall[];
}

/**
 * Makes the outside calls that events ask for, exactly once in the normal case: whoever
 * claims the call (the request right after its command committed, the process manager
 * reading the log, or the sweeper for a call nobody is making) makes it, through the
 * handler of its kind. The runner only claims, holds the lease, retries and gives up;
 * what a call does is its handler's.
 */
@Injectable()
export class OutsideCallRunner {
  private readonly logger = new Logger(OutsideCallRunner.name);

  constructor(
    private readonly calls: OutsideCallsRepository,
    private readonly handlers: OutsideCallRegistry,
    private readonly accounts: VerificationAccounts,
    private readonly executor: VerificationCommandExecutor,
    private readonly personalData: PersonalData,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() private readonly metrics?: Metrics,
  ) {}

  /**
   * Makes the call if nobody else holds it, or waits up to `waitMs` for whoever does.
   * Throws when the call failed (it stays open for a later attempt).
   */
  async run(callId: string, waitMs: number): Promise<CallResult> {
    return (await this.claimAndRun(callId, waitMs, {})).result;
  }

  /**
   * The request's fast path: every call, and those their answers ask for, now. Returns
   * the last command an answer recorded on the account (null if none did here), so that
   * the request can answer from it.
   */
  async runNow(
    callIds: readonly string[],
    waitMs: number,
    known: FastPathKnowledge = {},
  ): Promise<StepOutcome | null> {
    let latest: StepOutcome | null = null;
    for (const callId of callIds) {
      try {
        latest = (await this.claimAndRun(callId, waitMs, known)).recorded ?? latest;
      } catch (error) {
        // The call stays open: the process manager or the sweeper makes it again.
        this.logger.warn(`Outside call ${callId} failed; left to the worker: ${describe(error)}`);
      }
    }
    return latest;
  }

  private async claimAndRun(
    callId: string,
    waitMs: number,
    known: FastPathKnowledge,
  ): Promise<{ result: CallResult; recorded?: StepOutcome | null }> {
    const held = known.claimed?.find((call) => call.callId === callId);
    if (held) return { result: 'done', recorded: await this.perform(held, known) };
    const deadline = Date.now() + waitMs;
    for (;;) {
      const found = await this.calls.claimOrFind(callId, OUTSIDE_CALL_LEASE_MS);
      if (found?.claimed) {
        return { result: 'done', recorded: await this.perform(found.call, known) };
      }
      if (!found || found.call.done) return { result: 'done' };
      if (Date.now() >= deadline) return { result: 'pending' };
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  /** Makes the call; returns the last command an answer recorded, if any. */
  /** Traced as `outside-call <kind>`, linked to the span that appended the event asking for it. */
  private perform(call: OutsideCall, known: FastPathKnowledge): Promise<StepOutcome | null> {
    return inSpan(
      `outside-call ${call.kind}`,
      { attributes: { 'shiming.call_id': call.callId, 'shiming.attempt': call.attempts } },
      () => this.performTraced(call, known),
    );
  }

  private async performTraced(
    call: OutsideCall,
    known: FastPathKnowledge,
  ): Promise<StepOutcome | null> {
    let recorded: StepOutcome | null = null;
    // Whether the recording command completed the call in its transaction.
    let completed = false;
    try {
      // The account as the request's command left it, when it asked for this call.
      const fresh = known.account?.accountId === call.accountId ? known.account : undefined;
      const account = fresh?.events.some((e) => e.eventId === call.eventId)
        ? fresh
        : await this.accounts.load(call.accountId);
      const event = account.events.find((e) => e.eventId === call.eventId);
      if (!event) throw new Error(`Event ${call.eventId} of call ${call.callId} is not stored`);
      // Loaded from the log, the event has its metadata; the fast path's runs in the request's span.
      if ('metadata' in event) linkActiveSpan([(event as RecordedEvent).metadata]);
      await this.handlers.handlerOf(call.kind).handle({
        call,
        state: account.state,
        events: account.events,
        event,
        inClear: account === fresh ? (known.inClear ?? {}) : {},
        secret: () => this.secretOf(call),
        record: async (command, party) => {
          ({ recorded, completed } = await this.record(call, command, party));
        },
      });
      if (!completed) await this.calls.complete(call.callId);
      return recorded;
    } catch (error) {
      this.metrics?.outsideCallFailures.inc({ kind: call.kind });
      // Given back or up only while this claim holds the call: if its lease ran out and
      // another maker took the call over, finishing or giving it up is theirs.
      if (call.attempts >= MAX_CALL_ATTEMPTS) {
        if (await this.calls.abandon(call.callId, call.attempts, describe(error))) {
          this.logger.error(
            `Outside call ${call.callId} abandoned after ${call.attempts} attempts: ${describe(error)}`,
          );
        }
        return recorded;
      }
      await this.calls.release(call.callId, call.attempts, describe(error));
      throw error;
    }
  }

  private async record(
    call: OutsideCall,
    command: (at: string, tx: EntityManager) => VerificationCommand | Promise<VerificationCommand>,
    party: string,
  ): Promise<{ recorded: StepOutcome; completed: boolean }> {
    const outcome = await this.executor.execute(
      call.accountId,
      (_state, tx) => command(this.clock.now().toISOString(), tx),
      {
        actor: { type: 'system', id: party },
        correlationId: call.eventId,
        causationId: call.eventId,
        commandId: `outside:${call.callId}`,
        // The answer and the end of the call commit together (one round trip fewer).
        withEvents: (tx) => this.calls.complete(call.callId, tx),
      },
    );
    // An answer may ask for another call (none do today); make it at once too.
    const recorded = (await this.runNow(outcome.calls, OUTSIDE_CALL_LEASE_MS)) ?? outcome;
    // Run only with events appended by this command; a repeat or no events: complete after.
    return { recorded, completed: outcome.eventIds.length > 0 };
  }

  private async secretOf(call: OutsideCall): Promise<Record<string, unknown>> {
    if (!call.subjectId || !call.payload) throw new Error(`Call ${call.callId} has no secret`);
    return JSON.parse(await this.personalData.openFor(call.subjectId, call.payload)) as Record<
      string,
      unknown
    >;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
