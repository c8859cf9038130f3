import { Query } from '@nestjs/cqrs';
import type { StoredStatus } from '../../infrastructure/verification-status.repository';

export interface StatusReading extends StoredStatus {
  etag: string;
}

/**
 * The account's status document from the read model. With `afterVersion`, waits up to
 * `waitSeconds` for a version after it (long polling), then answers what there is.
 */
export class GetStatusQuery extends Query<StatusReading> {
  constructor(
    readonly accountId: string,
    readonly afterVersion?: number,
    readonly waitSeconds = 0,
  ) {
    super();
  }
}
