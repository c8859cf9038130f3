import { setTimeout as sleep } from 'node:timers/promises';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { Shutdown } from '@shiming/common';
import { VerificationStatusRepository } from '../../infrastructure/verification-status.repository';
import { statusEtag } from '../../projections/status-document';
import { GetStatusQuery, type StatusReading } from './get-status.query';

// A primary-key lookup: cheap enough to repeat this often while a caller waits.
const POLL_MS = 100;

@QueryHandler(GetStatusQuery)
export class GetStatusHandler implements IQueryHandler<GetStatusQuery> {
  constructor(
    private readonly statuses: VerificationStatusRepository,
    // When the process shuts down every long poll answers at once with the current
    // document, which the client polls again (on another instance).
    private readonly shutdown: Shutdown,
  ) {}

  async execute({ accountId, afterVersion, waitSeconds }: GetStatusQuery): Promise<StatusReading> {
    // Real time, not the sandbox clock: this is how long a connection is held.
    const deadline = Date.now() + waitSeconds * 1000;
    let status = await this.statuses.find(accountId);
    while (afterVersion !== undefined && status.version <= afterVersion) {
      const left = deadline - Date.now();
      if (left <= 0 || this.shutdown.signal.aborted) break;
      const slept = await sleep(Math.min(POLL_MS, left), true, {
        signal: this.shutdown.signal,
      }).catch(() => false);
      if (!slept) break;
      status = await this.statuses.find(accountId);
    }
    return { ...status, etag: statusEtag(status.version, status.mainVersion) };
  }
}
