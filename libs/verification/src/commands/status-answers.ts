import { Injectable } from '@nestjs/common';
import { ReadYourWrites, type LogPosition } from '@shiming/event-store';
import { VerificationAccounts } from '../infrastructure/verification-accounts';
import {
  statusDocument,
  statusEtag,
  withMainStatus,
  type StatusDocument,
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
    const account = await this.accounts.load(accountId);
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
