import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AlongsideWrite, LogPosition } from '@shiming/event-store';
import type { VerificationEvent, VerificationState } from '../domain';
import { statusDocument, type StatusDocument } from '../projections/status-document';
import { CaseRequestsRepository, type CaseRequest } from './case-requests.repository';
import { VerificationStatusRepository } from './verification-status.repository';

/** What a command left on an account: the state after it and the events it appended. */
export interface AppendedStep {
  accountId: string;
  state: VerificationState;
  version: number;
  events: readonly VerificationEvent[];
  /** Null when nothing was appended (nothing decided, or a repeat of a stored command). */
  position: LogPosition | null;
  /** The status document was written by the append itself (`statusWithAppend`). */
  statusWritten?: boolean;
}

/**
 * The read models a command writes in its own transaction, from the state it left: the
 * status document of the account, so that a read right after a step shows the step on
 * any process, however far behind the subscriptions are; and the cases it asked for, so
 * that the back office knows of a case before it has opened it. The status subscription
 * replays the same documents (a row never moves back to an older version) and rebuilds
 * the table from the log.
 */
@Injectable()
export class VerificationReadModels {
  constructor(
    private readonly statuses: VerificationStatusRepository,
    private readonly caseRequests: CaseRequestsRepository,
  ) {}

  /**
   * The account's status document after a command, for the append of its events to
   * write in the same statement (one round trip less per command).
   */
  statusWithAppend(
    accountId: string,
  ): (written: {
    after: VerificationState;
    version: number;
    events: readonly VerificationEvent[];
  }) => AlongsideWrite {
    return ({ after, version, events }) =>
      this.statuses.saveWithAppend(
        statusDocument({
          accountId,
          state: after,
          version,
          updatedAt: events[events.length - 1].data.at,
        }),
      );
  }

  async apply(tx: EntityManager, steps: readonly AppendedStep[]): Promise<void> {
    // One document per account: a batch may run several commands on one.
    const newest = new Map<string, StatusDocument>();
    const cases: CaseRequest[] = [];
    for (const { accountId, state, version, events, position, statusWritten } of steps) {
      const last = events[events.length - 1];
      if (!position || !last) continue;
      const known = newest.get(accountId);
      if (!statusWritten && (!known || known.version < version)) {
        newest.set(
          accountId,
          statusDocument({ accountId, state, version, updatedAt: last.data.at }),
        );
      }
      for (const event of events) {
        if (event.type === 'ManualReviewRequested' || event.type === 'AppealFiled') {
          cases.push({ caseId: event.data.caseId, accountId, position });
        }
      }
    }
    await this.statuses.save(tx, [...newest.values()]);
    await this.caseRequests.save(tx, cases);
  }
}
