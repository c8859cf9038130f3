import { Injectable } from '@nestjs/common';
import type { StepOutcome } from '../infrastructure/verification-command.executor';
import { VerificationAccounts } from '../infrastructure/verification-accounts';
import {
  statusDocument,
  statusEtag,
  withMainStatus,
  type StatusDocument,
  type StatusSource,
} from '../projections/status-document';

/** The answer to a user's step: the status document right after it. */
export interface StepAnswer {
  document: StatusDocument;
  etag: string;
}

/**
 * Answers from the state the step left (or the account's stream), never from the read
 * model. The step wrote the same document to the read model in its own transaction, so
 * a GET right after, on any process, shows the same version.
 */
@Injectable()
export class StatusAnswers {
  constructor(private readonly accounts: VerificationAccounts) {}

  async current(accountId: string): Promise<StepAnswer> {
    return this.answerFor(await this.accounts.load(accountId));
  }

  /**
   * The answer right after a command on the account: from the state it left, when it
   * appended anything (no need to read the stream again), else as `current`.
   */
  async after(accountId: string, outcome: StepOutcome): Promise<StepAnswer> {
    const last = outcome.events[outcome.events.length - 1];
    if (outcome.eventIds.length === 0 || !last) return this.current(accountId);
    return this.answerFor({
      accountId,
      state: outcome.state,
      version: outcome.version,
      updatedAt: last.data.at,
    });
  }

  private async answerFor(account: StatusSource): Promise<StepAnswer> {
    let document = statusDocument(account);
    let mainVersion: number | null = null;
    if (document.mainAccountId) {
      const main = await this.accounts.load(document.mainAccountId);
      document = withMainStatus(document, statusDocument(main));
      mainVersion = main.version;
    }
    return { document, etag: statusEtag(account.version, mainVersion) };
  }
}
