import { DomainError } from '@shiming/common';

export interface IdentityCheck {
  name: string;
  /** 18-character resident ID number. */
  idNumber: string;
}

export type IdentityCheckOutcome = 'match' | 'mismatch';

/** The national identity authority: does this name belong to this ID number? */
export interface IdentityAuthority {
  /** @throws AuthorityUnavailableError when the authority cannot answer now. */
  check(request: IdentityCheck): Promise<IdentityCheckOutcome>;
}

export const IDENTITY_AUTHORITY = Symbol('IdentityAuthority');

/** The authority did not answer. Nothing was decided: retry with back-off. */
export class AuthorityUnavailableError extends DomainError {
  readonly code = 'authority_unavailable';
  readonly status = 503;
  readonly retryable = true;

  constructor(detail = 'The identity authority cannot answer now; try again later.') {
    super(detail);
  }
}
