import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventStore, type LogPosition, type RecordedEvent } from '@shiming/event-store';
import { fold } from '@shiming/workflow';
import type { VerificationDecider, VerificationEvent, VerificationState } from '../domain';
import { VERIFICATION_DECIDER } from '../verification.tokens';
import { verificationStreamId } from '../verification.streams';

/** One account's process as its stream says now. */
export interface LoadedAccount {
  accountId: string;
  state: VerificationState;
  /** The stream's version: its number of events, 0 before the first. */
  version: number;
  /** `at` of the last event, null before the first. */
  updatedAt: string | null;
  /** Where the last event is in the log, for read-your-writes. */
  position: LogPosition | null;
  /** The stream's events as stored. */
  events: RecordedEvent[];
}

/** Loads accounts' verification state from their streams. */
@Injectable()
export class VerificationAccounts {
  constructor(
    private readonly store: EventStore,
    @Inject(VERIFICATION_DECIDER) private readonly decider: VerificationDecider,
  ) {}

  async load(accountId: string, tx?: EntityManager): Promise<LoadedAccount> {
    const stored = await this.store.readStream(verificationStreamId(accountId), 1, {
      transaction: tx,
    });
    return this.loaded(accountId, stored);
  }

  /**
   * The account's state as it stood right after it asked for case `caseId` (its
   * ManualReviewRequested or AppealFiled): what that case reviews, whatever the account
   * did since. The current state when no event of this account asked for it.
   */
  async loadAtCase(
    accountId: string,
    caseId: string,
    tx?: EntityManager,
  ): Promise<VerificationState> {
    const { state, events } = await this.load(accountId, tx);
    const opening = events.findIndex(
      (e) =>
        (e.type === 'ManualReviewRequested' || e.type === 'AppealFiled') &&
        (e.data as { caseId?: unknown }).caseId === caseId,
    );
    if (opening === -1) return state;
    return fold(
      this.decider,
      events
        .slice(0, opening + 1)
        .map((e) => ({ type: e.type, data: e.data }) as VerificationEvent),
    );
  }

  /** The state the account had just before its event number `version` (1-based). */
  stateBefore(account: LoadedAccount, version: number): VerificationState {
    return fold(
      this.decider,
      account.events
        .filter((e) => e.streamVersion < version)
        .map((e) => ({ type: e.type, data: e.data }) as VerificationEvent),
    );
  }

  /** Several accounts, read in one statement, in the order given. */
  async loadMany(accountIds: readonly string[], tx?: EntityManager): Promise<LoadedAccount[]> {
    const streams = await this.store.readStreams(accountIds.map(verificationStreamId), {
      transaction: tx,
    });
    return accountIds.map((id) => this.loaded(id, streams.get(verificationStreamId(id)) ?? []));
  }

  private loaded(accountId: string, stored: RecordedEvent[]): LoadedAccount {
    const last = stored[stored.length - 1];
    return {
      accountId,
      state: fold(
        this.decider,
        stored.map((e) => ({ type: e.type, data: e.data }) as VerificationEvent),
      ),
      version: last?.streamVersion ?? 0,
      updatedAt: last ? (last.data as { at: string }).at : null,
      position: last?.position ?? null,
      events: stored,
    };
  }
}
