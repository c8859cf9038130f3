import { Injectable } from '@nestjs/common';
import { ReadYourWrites } from '@shiming/event-store';
import { VerificationCases } from '@shiming/verification';
import { CaseOpeningError } from '../domain';
import { CaseIntakeProcessManager } from './case-intake.process-manager';

// How long a request waits for the intake to open a case the user was just given, and
// when to come back if it has not: the intake is behind by much more than usual then.
const INTAKE_WAIT_MS = 5_000;
const RETRY_AFTER_SECONDS = 1;

/**
 * A user is told a case's id in the transaction that asks for the case; the back office
 * opens it a moment later, from the log (`CaseIntakeProcessManager`). A case not found
 * may therefore be one being opened: this tells the two apart and waits for the intake.
 *
 * Opening the case in the user's transaction instead would make a user's step fail with
 * a back-office failure, and lock the user's stream before the case's, where a decision
 * locks the case before the user's stream (a re-upload racing a decision would
 * deadlock). Waiting costs only a request for a case not found.
 */
@Injectable()
export class CaseIntakeCatchUp {
  constructor(
    private readonly verification: VerificationCases,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  /**
   * Whether an account asked for this case, once the intake has taken that request in
   * (look again then); false for a case that no account ever asked for. Throws
   * `CaseOpeningError` (503) when the intake does not get there in time.
   */
  async opened(caseId: string): Promise<boolean> {
    const request = await this.verification.requestOf(caseId);
    if (!request) return false;
    const reached = await this.readYourWrites.waitForPosition(
      CaseIntakeProcessManager.NAME,
      request.position,
      INTAKE_WAIT_MS,
    );
    if (!reached) throw new CaseOpeningError(RETRY_AFTER_SECONDS);
    return true;
  }
}
