import { Query } from '@nestjs/cqrs';

/**
 * The ETag the account's status document has now, from the versions alone: what a
 * conditional poll (`If-None-Match`) needs to be told "unchanged" without the document
 * being read.
 */
export class GetStatusEtagQuery extends Query<string> {
  constructor(readonly accountId: string) {
    super();
  }
}
