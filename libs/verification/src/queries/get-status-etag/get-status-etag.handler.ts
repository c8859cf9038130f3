import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { VerificationStatusRepository } from '../../infrastructure/verification-status.repository';
import { statusEtag } from '../../projections/status-document';
import { GetStatusEtagQuery } from './get-status-etag.query';

@QueryHandler(GetStatusEtagQuery)
export class GetStatusEtagHandler implements IQueryHandler<GetStatusEtagQuery> {
  constructor(private readonly statuses: VerificationStatusRepository) {}

  async execute({ accountId }: GetStatusEtagQuery): Promise<string> {
    const { version, mainVersion } = await this.statuses.findVersions(accountId);
    return statusEtag(version, mainVersion);
  }
}
