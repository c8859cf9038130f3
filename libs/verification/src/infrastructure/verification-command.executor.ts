import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { eventMetadata, type EventMetadata, type LogPosition } from '@shiming/event-store';
import {
  CommandRunner,
  eventIdFor,
  TimerScheduler,
  type CommandContext,
  type CommandOutcome,
  type RunCommand,
  type Timer,
  type TimerJobRef,
} from '@shiming/workflow';
import {
  evolve,
  timerChanges,
  type VerificationCommand,
  type VerificationDecider,
  type VerificationEvent,
  type VerificationState,
} from '../domain';
import { heldIdentity, identityOf, registryChanges } from '../identity-registry/registry-changes';
import { VERIFICATION_DECIDER } from '../verification.tokens';
import { verificationStreamId } from '../verification.streams';
import { IdentityRegistry, IdentityRegistryConflictError } from './identity-registry.repository';
import {
  outsideCallId,
  OutsideCallsRepository,
  type OutsideCallKind,
} from './outside-calls.repository';
import { IdentityErasure } from './identity-erasure';
import { PersonalData, subjectOf } from './personal-data';
import { VerificationAccounts } from './verification-accounts';

/** Secrets an outside call started by this command needs, kept only encrypted. */
export interface CallSecrets {
  smsCode?: string;
  depositAmountFen?: number;
}

/** A command's context, with what a user step adds to it. */
export interface StepContext extends CommandContext {
  secrets?: CallSecrets;
  /**
   * The step's own writes that must commit with its events and only if the command was
   * taken (the documents it uploads), given the state it was decided on. Not run for a
   * repeat of a command already stored.
   */
  withEvents?: (tx: EntityManager, before: VerificationState) => Promise<void>;
}

export interface StepOutcome {
  accountId: string;
  before: VerificationState;
  state: VerificationState;
  events: VerificationEvent[];
  /** Null when the command decided nothing, or was a repeat of one already stored. */
  position: LogPosition | null;
  /** Outside calls the new events asked for, to make now (the fast path). */
  calls: string[];
  /** Timers scheduled; enqueued here unless the command ran in the caller's transaction. */
  scheduled: TimerJobRef[];
}

export type CommandSource = VerificationCommand | (() => Promise<VerificationCommand>);

// A command that records an identity's holder competes with other accounts for it.
const REGISTRY_ATTEMPTS = 5;

const CALL_KINDS: Partial<Record<VerificationEvent['type'], OutsideCallKind>> = {
  IdentitySubmitted: 'identity_check',
  IdentityCheckRetried: 'identity_check',
  BankCardSubmitted: 'bank_check',
  IdDocumentsSubmitted: 'document_check',
  MicroDepositRequested: 'payout',
  SmsCodeIssued: 'sms',
};

/** Event types that ask for a call to an outside party. */
export const CALLING_EVENT_TYPES = Object.keys(CALL_KINDS) as VerificationEvent['type'][];

export function callKindOf(type: string): OutsideCallKind | undefined {
  return CALL_KINDS[type as VerificationEvent['type']];
}

/**
 * Runs one command on an account's stream through the command runner and writes, in the
 * same transaction as its events: the step's own writes, the identity registry, timers,
 * the outside calls the events ask for, and the erasure of a revoked identity.
 */
@Injectable()
export class VerificationCommandExecutor {
  constructor(
    private readonly runner: CommandRunner,
    @Inject(VERIFICATION_DECIDER) private readonly decider: VerificationDecider,
    private readonly scheduler: TimerScheduler,
    private readonly registry: IdentityRegistry,
    private readonly accounts: VerificationAccounts,
    private readonly calls: OutsideCallsRepository,
    private readonly personalData: PersonalData,
    private readonly erasure: IdentityErasure,
  ) {}

  /**
   * `command` may be a function, called again when the identity registry changed under
   * the command (it decides with what it reads, such as who holds an identity).
   */
  async execute(accountId: string, command: CommandSource, ctx: StepContext): Promise<StepOutcome> {
    // In a caller's transaction a conflict must roll back everything: the caller retries.
    const attempts = ctx.transaction ? 1 : REGISTRY_ATTEMPTS;
    for (let attempt = 1; ; attempt++) {
      const decided = typeof command === 'function' ? await command() : command;
      try {
        const outcome = await this.once(accountId, decided, ctx);
        if (!ctx.transaction) await this.scheduler.enqueue(outcome.scheduled);
        return outcome;
      } catch (error) {
        if (!(error instanceof IdentityRegistryConflictError) || attempt >= attempts) throw error;
      }
    }
  }

  /**
   * Runs commands on many accounts inside the caller's transaction `tx`, reading and
   * appending for all of them at once (`CommandRunner.runMany`): a batch of timers
   * firing. Outcomes come in the order of `steps`; timers are left to the caller.
   */
  async executeMany(
    steps: readonly { accountId: string; command: VerificationCommand; ctx: StepContext }[],
    tx: EntityManager,
  ): Promise<StepOutcome[]> {
    const written = steps.map(() => ({ calls: [] as string[], scheduled: [] as Timer[] }));
    const outcomes = await this.runner.runMany(
      steps.map((step, i) =>
        this.request(step.accountId, step.command, { ...step.ctx, transaction: tx }, written[i]),
      ),
      tx,
    );
    return outcomes.map((outcome, i) => stepOutcome(steps[i].accountId, outcome, written[i]));
  }

  private async once(
    accountId: string,
    command: VerificationCommand,
    ctx: StepContext,
  ): Promise<StepOutcome> {
    const written = { calls: [] as string[], scheduled: [] as Timer[] };
    const outcome = await this.runner.run(this.request(accountId, command, ctx, written));
    return stepOutcome(accountId, outcome, written);
  }

  /** The command for the runner, with the writes that go with its events; notes what they did. */
  private request(
    accountId: string,
    command: VerificationCommand,
    ctx: StepContext,
    written: Written,
  ): RunCommand<VerificationState, VerificationCommand, VerificationEvent> {
    const streamId = verificationStreamId(accountId);
    const metadata = eventMetadata(ctx);
    return {
      streamId,
      decider: this.decider,
      command,
      commandId: ctx.commandId,
      metadata,
      ...(ctx.transaction ? { transaction: ctx.transaction } : {}),
      withEvents: async (tx, events, state, before) => {
        const eventIds = events.map((_, index) => eventIdFor(ctx.commandId, streamId, index));
        await ctx.withEvents?.(tx, before);
        await this.updateRegistry(tx, accountId, before, events, ctx.commandId, metadata);
        const purges = await this.eraseRevoked(tx, accountId, before, events, ctx.commandId);
        written.scheduled = [
          ...(await this.applyTimers(tx, streamId, events, ctx.commandId)),
          ...purges,
        ];
        written.calls = await this.openCalls(tx, accountId, events, eventIds, state, ctx.secrets);
      },
    };
  }

  private async updateRegistry(
    tx: EntityManager,
    accountId: string,
    before: VerificationState,
    events: VerificationEvent[],
    commandId: string,
    metadata: EventMetadata,
  ): Promise<void> {
    for (const change of registryChanges(accountId, before, events)) {
      let registryId: string;
      if ('registryId' in change.target) {
        registryId = change.target.registryId;
      } else {
        const main = await this.accounts.load(change.target.identityOfAccount, tx);
        const identity = identityOf(main.state);
        if (!identity) continue;
        registryId = identity.registryId;
      }
      await this.registry.apply(tx, registryId, change.command, commandId, metadata);
    }
  }

  /** Erases the identity a revocation takes away; returns the timers that purge its files. */
  private async eraseRevoked(
    tx: EntityManager,
    accountId: string,
    before: VerificationState,
    events: VerificationEvent[],
    commandId: string,
  ): Promise<Timer[]> {
    const purges: Timer[] = [];
    let state = before;
    for (const event of events) {
      const held = heldIdentity(state);
      if (event.type === 'IdentityRevoked' && held?.subjectId) {
        const subjectId = held.subjectId;
        purges.push(
          await this.erasure.erase(
            tx,
            { accountId, subjectId },
            new Date(event.data.at),
            commandId,
          ),
        );
      }
      state = evolve(state, event);
    }
    return purges;
  }

  private async applyTimers(
    tx: EntityManager,
    streamId: string,
    events: VerificationEvent[],
    commandId: string,
  ): Promise<Timer[]> {
    const { cancel, schedule } = timerChanges(events);
    const dueAt = new Map(schedule.map((timer) => [timer.kind, timer.dueAt]));
    return this.scheduler.apply(
      tx,
      streamId,
      cancel.map((kind) => ({ kind, dueAt: dueAt.get(kind) ?? null })),
      commandId,
    );
  }

  private async openCalls(
    tx: EntityManager,
    accountId: string,
    events: VerificationEvent[],
    eventIds: string[],
    state: VerificationState,
    secrets: CallSecrets = {},
  ): Promise<string[]> {
    const opened: string[] = [];
    for (const [index, event] of events.entries()) {
      const kind = CALL_KINDS[event.type];
      if (!kind) continue;
      const callId = outsideCallId(kind, eventIds[index]);
      let subjectId: string | null = null;
      let payload: string | null = null;
      if (kind === 'sms' || kind === 'payout') {
        const identity = identityOf(state);
        if (!identity) throw new Error(`${event.type} without an identity`);
        subjectId = subjectOf(identity);
        const secret =
          kind === 'sms'
            ? secrets.smsCode !== undefined && { code: secrets.smsCode }
            : secrets.depositAmountFen !== undefined && { amountFen: secrets.depositAmountFen };
        if (!secret) throw new Error(`${event.type} needs its secret for the outside call`);
        payload = await this.personalData.sealFor(subjectId, JSON.stringify(secret), tx);
      }
      await this.calls.open(tx, {
        callId,
        accountId,
        kind,
        eventId: eventIds[index],
        subjectId,
        payload,
      });
      opened.push(callId);
    }
    return opened;
  }
}

/** What a command's side writes did: outside calls opened, timers scheduled. */
interface Written {
  calls: string[];
  scheduled: Timer[];
}

function stepOutcome(
  accountId: string,
  outcome: CommandOutcome<VerificationState, VerificationEvent>,
  written: Written,
): StepOutcome {
  const repeated = outcome.append?.duplicate ?? false;
  return {
    accountId,
    before: outcome.before,
    state: outcome.state,
    events: outcome.events,
    position: outcome.append && !repeated ? outcome.append.position : null,
    calls: repeated ? [] : written.calls,
    scheduled: repeated ? [] : written.scheduled,
  };
}
