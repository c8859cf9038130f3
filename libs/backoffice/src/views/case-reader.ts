import { Injectable } from '@nestjs/common';
import { VerificationCases } from '@shiming/verification';
import {
  CaseNotFoundError,
  CaseRoleError,
  isOwnCase,
  mayWork,
  OwnCaseError,
  type CaseState,
  type OpenedCase,
  type Staff,
} from '../domain';
import { CaseStreams, type LoadedCase } from '../infrastructure/case-streams';
import { CaseIntakeCatchUp } from '../reactions/case-intake.catch-up';
import { caseView, type CaseView } from './case-view';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Cases as staff may see them: read from their streams (never behind), refused to roles
 * that do not work their kind and to staff they are about, and shown with the subject
 * masked. For the queries, and for the commands that answer with the case.
 */
@Injectable()
export class CaseReader {
  constructor(
    private readonly streams: CaseStreams,
    private readonly verification: VerificationCases,
    private readonly intake: CaseIntakeCatchUp,
  ) {}

  /** The case as this staff member sees it now; `CaseRoleError` if their roles do not. */
  async view(caseId: string, staff: Staff): Promise<CaseView> {
    const { state, version } = await this.visible(caseId, staff);
    return this.viewOf(state, version, staff);
  }

  /** The case from its stream, when the staff member's roles let them see its kind. */
  async visible(caseId: string, staff: Staff): Promise<LoadedCase & { state: OpenedCase }> {
    assertCaseId(caseId);
    let loaded = await this.streams.load(caseId);
    // A case the user was just given may not be open yet.
    if (loaded.state.status === 'none' && (await this.intake.opened(caseId))) {
      loaded = await this.streams.load(caseId);
    }
    const { state } = loaded;
    if (state.status === 'none') throw new CaseNotFoundError(caseId);
    if (!mayWork(staff.roles, state.kind)) {
      throw new CaseRoleError(`The caller's roles do not see ${state.kind.replace('_', ' ')}s.`);
    }
    // A case about one's own account is not one's to read: its internal notes least.
    if (isOwnCase(state, staff.id)) throw new OwnCaseError();
    return { ...loaded, state };
  }

  /** A case state as the answer shows it: the subject masked, documents described. */
  async viewOf(state: CaseState, version: number, staff: Staff): Promise<CaseView> {
    if (state.status === 'none') throw new CaseNotFoundError();
    const [subject, facts] = await Promise.all([
      this.verification.subject(state.accountId, undefined, state.caseId),
      this.verification.documentFacts(
        state.accountId,
        state.documents.map((d) => d.id),
      ),
    ]);
    return caseView(state, version, subject, staff, facts);
  }
}

/** Case ids are UUIDs: anything else names no case (and never reaches SQL). */
export function assertCaseId(caseId: string): void {
  if (!UUID.test(caseId)) throw new CaseNotFoundError(caseId);
}
