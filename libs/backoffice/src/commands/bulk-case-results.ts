import { DomainError, isCodedError } from '@shiming/common';
import type { CaseStatus } from '../domain';
import type { CaseOutcomeOf } from '../infrastructure/case-command.executor';

/** How one case of a bulk action went: its state after, or why it was refused. */
export type BulkCaseResult =
  | {
      caseId: string;
      ok: true;
      /** False when the case already was as asked (nothing was recorded). */
      changed: boolean;
      status: CaseStatus;
      assignee: string | null;
      version: number;
    }
  | {
      caseId: string;
      ok: false;
      /** A domain error, or a look-alike with a code. */ error: unknown;
    };

/**
 * Runs one case's step of a bulk action: each case is its own command and event, so one
 * refusal (a stale case, a race lost) leaves the others done. Anything that is not a
 * refusal with a code is a fault and stops the batch.
 */
export async function bulkStep(
  caseId: string,
  step: () => Promise<CaseOutcomeOf>,
): Promise<BulkCaseResult> {
  try {
    const { state, version, events } = await step();
    if (state.status === 'none') throw new Error('A case acted on has a state');
    return {
      caseId,
      ok: true,
      changed: events.length > 0,
      status: state.status,
      assignee: state.claim?.staffId ?? null,
      version,
    };
  } catch (error) {
    if (error instanceof DomainError || isCodedError(error)) {
      return { caseId, ok: false, error };
    }
    throw error;
  }
}
