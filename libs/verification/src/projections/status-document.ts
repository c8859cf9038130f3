import { toStatus, type StatusParts, type VerificationState } from '../domain';

/** A manual review or appeal in progress, as the user sees it. */
export interface StatusCase {
  id: string;
  kind: 'manual_review' | 'appeal';
  /** The back office's queue status; until it has a queue, whether a re-upload is asked. */
  status: 'open' | 'reupload_requested';
  dueAt: string;
  /** The due time was counted past the calendar's data and will be recomputed. */
  provisional?: true;
}

/** What `GET /v1/verification` answers (DESIGN §4). */
export interface StatusDocument extends Omit<StatusParts, 'case'> {
  accountId: string;
  case?: StatusCase;
  /** The account stream's version: its number of events. */
  version: number;
  /** When the last event happened (the sandbox clock's time); null before the first. */
  updatedAt: string | null;
}

export interface StatusSource {
  accountId: string;
  state: VerificationState;
  version: number;
  updatedAt: string | null;
}

/** The status document of one account from its state, without its main account's overlay. */
export function statusDocument(source: StatusSource): StatusDocument {
  const { case: open, ...parts } = toStatus(source.state);
  return {
    accountId: source.accountId,
    ...parts,
    ...(open ? { case: { ...open, status: caseStatus(source.state) } } : {}),
    version: source.version,
    updatedAt: source.updatedAt,
  };
}

/**
 * An associated account is authenticated, with its tier, exactly when its main account
 * is (the domain's `withMainAccount`, on whole documents).
 */
export function withMainStatus(
  document: StatusDocument,
  main: Pick<StatusDocument, 'authenticated' | 'tier'> | null,
): StatusDocument {
  if (document.state !== 'associated' || !main) return document;
  return { ...document, authenticated: main.authenticated, tier: main.tier };
}

/** A version-based entity tag; an associated account's also moves with its main account. */
export function statusEtag(version: number, mainVersion?: number | null): string {
  return mainVersion == null ? `"${version}"` : `"${version}.${mainVersion}"`;
}

function caseStatus(state: VerificationState): StatusCase['status'] {
  const open =
    state.status === 'manual_review_pending'
      ? state.review
      : state.status === 'appeal_pending'
        ? state.appeal
        : undefined;
  return open?.reupload ? 'reupload_requested' : 'open';
}
