import { Injectable } from '@nestjs/common';
import { ReadYourWrites, type LogPosition } from '@shiming/event-store';
import type { StepOutcome } from '../infrastructure/verification-command.executor';
import { VerificationAccounts } from '../infrastructure/verification-accounts';
import {
  statusDocument,
  statusEtag,
  withMainStatus,
  type StatusDocument,
  type StatusSource,
} from '../projections/status-document';
import { VerificationStatusProjection } from '../projections/verification-status.projection';

/** The answer to a user's step: the status document right after it. */
export interface StepAnswer {
  document: StatusDocument;
  etag: string;
}

// How long an answer waits for the read model, so that a GET right after agrees with it.
const READ_MODEL_WAIT_MS = 1_000;

/**
 * Answers from the account's stream itself, never from the read model, so that the
 * answer always reflects the step (read-your-writes without depending on a worker).
 * It then waits, briefly, for the status projection to reach the same position, so
 * that a following GET shows the same version; if no worker runs, it answers anyway.
 */
@Injectable()
export class StatusAnswers {
  constructor(
    private readonly accounts: VerificationAccounts,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

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
      position: outcome.position,
    });
  }

  private async answerFor(account: StatusSource & { position: LogPosition | null }) {
    let document = statusDocument(account);
    let mainVersion: number | null = null;
    if (document.mainAccountId) {
      const main = await this.accounts.load(document.mainAccountId);
      document = withMainStatus(document, statusDocument(main));
      mainVersion = main.version;
    }
    await this.readModelAt(account.position);
    return { document, etag: statusEtag(account.version, mainVersion) };
  }

  /** Waits, briefly, for the read model to reflect the log up to `position`. */
  async readModelAt(position: LogPosition | null): Promise<void> {
    if (!position) return;
    await this.readYourWrites.waitForPosition(
      VerificationStatusProjection.NAME,
      position,
      READ_MODEL_WAIT_MS,
    );
  }
}
