import { Command } from '@nestjs/cqrs';
import type { StatusDocument } from '../../projections/status-document';
import type { RequestContext } from '../user-steps';

export interface AssociationAnswer {
  mainAccountId: string;
  accountId: string;
  /** The associated account's status: authenticated with the main account's tier. */
  status: StatusDocument;
}

/**
 * Step 6: an authenticated account associates another account of the same person. The
 * edge has checked that the user controls the other account (they hold its token).
 */
export class AssociateAccountCommand extends Command<AssociationAnswer> {
  constructor(
    readonly mainAccountId: string,
    readonly accountId: string,
    readonly request: RequestContext,
  ) {
    super();
  }
}
