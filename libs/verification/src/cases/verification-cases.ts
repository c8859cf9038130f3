import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  DOCUMENT_STORAGE,
  DocumentNotFoundError,
  type DocumentContent,
  type DocumentStorage,
} from '@shiming/integrations';
import type { CommandContext, TimerJobRef } from '@shiming/workflow';
import type { VerificationCommand, VerificationState } from '../domain';
import { identityOf } from '../domain';
import {
  CaseRequestsRepository,
  type CaseRequest,
} from '../infrastructure/case-requests.repository';
import { IdentityLookup } from '../infrastructure/identity-lookup.repository';
import { IdentityMobiles } from '../infrastructure/identity-mobiles.repository';
import { PersonalData } from '../infrastructure/personal-data';
import { VerificationAccounts } from '../infrastructure/verification-accounts';
import { VerificationCommandExecutor } from '../infrastructure/verification-command.executor';

/** What the back office decided, as the user's process takes it. */
export type CaseOutcome =
  | { outcome: 'approved' }
  | { outcome: 'rejected'; reasonCode: string; userMessage: string; final: boolean }
  | { outcome: 'upheld' }
  | { outcome: 'denied'; reasonCode: string; userMessage: string }
  | { outcome: 'reupload_requested'; documentKind: string; userMessage: string };

export type CaseKind = 'manual_review' | 'appeal';

/** The decision's context (its transaction is the one `apply` runs in) and its instant. */
export interface CaseOutcomeContext extends Omit<CommandContext, 'transaction'> {
  at: string;
}

/** Who a case is about, as far as staff may see without revealing anything. */
export interface CaseSubject {
  /** Masked name and ID number; null once the identity's personal data was erased. */
  masked: { name: string; idNumber: string } | null;
  /** For an appeal: the account that holds the identity in dispute. */
  holderAccountId: string | null;
}

export type RevealableField = 'name' | 'idNumber';

/** What staff see of a document before opening it. */
export interface DocumentFact {
  contentType: string | null;
  size: number | null;
  /** Erased with the personal data of the identity it was uploaded for. */
  erased: boolean;
}

/**
 * The verification process as the back office sees it: the person a case is about, the
 * documents they uploaded, and the way a decision flows back into the account's
 * stream (in the deciding transaction, so that a case is never decided without it).
 */
@Injectable()
export class VerificationCases {
  constructor(
    private readonly accounts: VerificationAccounts,
    private readonly executor: VerificationCommandExecutor,
    private readonly personalData: PersonalData,
    private readonly caseRequests: CaseRequestsRepository,
    private readonly lookup: IdentityLookup,
    private readonly mobiles: IdentityMobiles,
    @Inject(DOCUMENT_STORAGE) private readonly storage: DocumentStorage,
  ) {}

  /**
   * The account that asked for this case and where in the log it did, or null when no
   * account ever asked for a case of this id. Written with the asking event, so it is
   * known the moment the user is told the case id.
   */
  requestOf(caseId: string): Promise<CaseRequest | null> {
    return this.caseRequests.find(caseId);
  }

  async subject(accountId: string, tx?: EntityManager, caseId?: string): Promise<CaseSubject> {
    const state = await this.stateFor(accountId, caseId, tx);
    const identity = identityOf(state);
    return {
      masked: identity ? await this.personalData.maskIdentity(identity, tx) : null,
      holderAccountId: holderOf(state),
    };
  }

  /**
   * The data-key subject of the identity case `caseId` was opened for (an opaque id, no
   * personal data), or null when the account's state then held none.
   */
  async subjectAtCase(
    accountId: string,
    caseId: string,
    tx?: EntityManager,
  ): Promise<string | null> {
    const identity = identityOf(await this.accounts.loadAtCase(accountId, caseId, tx));
    return identity?.subjectId ?? null;
  }

  /**
   * The subjects (submitted identities, not erased) an ID number or a mobile number
   * matches exactly, through their keyed hashes: nothing is scanned or decrypted.
   */
  subjectsMatching(by: 'idNumber' | 'mobile', value: string): Promise<string[]> {
    return by === 'idNumber' ? this.lookup.subjectsOf(value) : this.mobiles.subjectsOf(value);
  }

  /**
   * The field in clear, or null when there is none (never submitted, or erased). With
   * `caseId`, of the identity that case was opened for, not the account's identity now.
   */
  async reveal(accountId: string, field: RevealableField, caseId?: string): Promise<string | null> {
    const state = await this.stateFor(accountId, caseId);
    const identity = identityOf(state);
    if (!identity || (await this.personalData.isErased(identity))) return null;
    return (await this.personalData.revealIdentity(identity))[field];
  }

  // A case shows the identity it was opened for: after a rejection the account may have
  // submitted another one, which that case never reviewed.
  private async stateFor(
    accountId: string,
    caseId: string | undefined,
    tx?: EntityManager,
  ): Promise<VerificationState> {
    if (caseId) return this.accounts.loadAtCase(accountId, caseId, tx);
    return (await this.accounts.load(accountId, tx)).state;
  }

  /**
   * Type and size of the account's documents, without reading them (missing ones left
   * out); an erased document is only said to be erased.
   */
  async documentFacts(
    accountId: string,
    documentIds: readonly string[],
  ): Promise<Map<string, DocumentFact>> {
    const found = await Promise.all(documentIds.map((id) => this.storage.head(id)));
    const facts = new Map<string, DocumentFact>();
    for (const document of found) {
      if (!document || document.ownerId !== accountId) continue;
      facts.set(
        document.documentId,
        document.erased
          ? { contentType: null, size: null, erased: true }
          : { contentType: document.contentType, size: document.size, erased: false },
      );
    }
    return facts;
  }

  /** One of the account's uploaded documents. */
  async document(accountId: string, documentId: string): Promise<DocumentContent> {
    const content = await this.storage.get(documentId);
    if (content.ownerId !== accountId) throw new DocumentNotFoundError(documentId);
    return content;
  }

  /**
   * Takes a case's decision into the account's process, in `tx`. A refusal (the
   * process is no longer waiting on this case) throws and must roll `tx` back.
   * Returns the timers to enqueue once `tx` commits.
   */
  async apply(
    tx: EntityManager,
    accountId: string,
    kind: CaseKind,
    caseId: string,
    decision: CaseOutcome,
    ctx: CaseOutcomeContext,
  ): Promise<{ state: VerificationState['status']; scheduled: TimerJobRef[] }> {
    const outcome = await this.executor.execute(
      accountId,
      commandFor(kind, caseId, decision, ctx.at),
      { ...contextOf(ctx), transaction: tx },
    );
    return { state: outcome.state.status, scheduled: outcome.scheduled };
  }
}

function contextOf({
  at: _at,
  ...context
}: CaseOutcomeContext): Omit<CommandContext, 'transaction'> {
  return context;
}

function holderOf(state: VerificationState): string | null {
  return state.status === 'appeal_pending' || state.status === 'identity_occupied'
    ? state.occupancy.holderAccountId
    : null;
}

function commandFor(
  kind: CaseKind,
  caseId: string,
  decision: CaseOutcome,
  at: string,
): VerificationCommand {
  switch (decision.outcome) {
    case 'reupload_requested':
      return {
        type: 'RequestReupload',
        data: {
          at,
          caseId,
          documentKind: decision.documentKind,
          userMessage: decision.userMessage,
        },
      };
    case 'approved':
    case 'rejected':
      if (kind !== 'manual_review') throw new Error(`A ${kind} is not ${decision.outcome}`);
      return decision.outcome === 'approved'
        ? { type: 'DecideManualReview', data: { at, caseId, approved: true } }
        : {
            type: 'DecideManualReview',
            data: {
              at,
              caseId,
              approved: false,
              reasonCode: decision.reasonCode,
              userMessage: decision.userMessage,
              final: decision.final,
            },
          };
    case 'upheld':
    case 'denied':
      if (kind !== 'appeal') throw new Error(`A ${kind} is not ${decision.outcome}`);
      return decision.outcome === 'upheld'
        ? { type: 'DecideAppeal', data: { at, caseId, upheld: true } }
        : {
            type: 'DecideAppeal',
            data: {
              at,
              caseId,
              upheld: false,
              reasonCode: decision.reasonCode,
              userMessage: decision.userMessage,
            },
          };
  }
}
