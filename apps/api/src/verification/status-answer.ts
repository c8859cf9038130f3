import type { QueryBus } from '@nestjs/cqrs';
import { negotiateLocale } from '@shiming/common';
import { GetStatusEtagQuery, GetStatusQuery } from '@shiming/verification';
import { languageEtag, wordStatus } from './notice-language';

/** The parts of Fastify's reply the status answer uses. */
export interface StatusReply {
  status(code: number): StatusReply;
  header(name: string, value: string): StatusReply;
  send(body?: unknown): unknown;
}

/** What the status route reads from its request. */
export interface StatusRequest {
  accountId: string;
  afterVersion?: number;
  waitSeconds?: number;
  ifNoneMatch?: string;
  acceptLanguage?: string;
}

/**
 * The answer to `GET /v1/verification`: the status document in the request's language
 * with its `ETag`, or 304 when `If-None-Match` names it. One function for the
 * controller and the poll answered before Nest's pipeline (StatusPoll), so that both
 * answer with the same bytes and headers.
 */
export async function answerStatus(
  queries: QueryBus,
  request: StatusRequest,
  reply: StatusReply,
): Promise<void> {
  // As NoticeLanguageInterceptor says for the steps (not run here: a poll's every
  // interceptor counts).
  const locale = negotiateLocale(request.acceptLanguage);
  reply
    .header('Cache-Control', 'private, no-cache')
    .header('Content-Language', locale)
    .header('Vary', 'Accept-Language');
  const { ifNoneMatch } = request;
  // A conditional poll that does not wait: the versions alone tell whether it changed.
  // The tag names the language too: the same versions are worded differently in each.
  if (ifNoneMatch && request.afterVersion === undefined) {
    const etag = languageEtag(
      await queries.execute(new GetStatusEtagQuery(request.accountId)),
      locale,
    );
    if (etagMatches(ifNoneMatch, etag)) {
      reply.header('ETag', etag).status(304).send();
      return;
    }
  }
  const reading = await queries.execute(
    new GetStatusQuery(request.accountId, request.afterVersion, request.waitSeconds ?? 0),
  );
  const etag = languageEtag(reading.etag, locale);
  reply.header('ETag', etag);
  if (etagMatches(ifNoneMatch, etag)) {
    reply.status(304).send();
    return;
  }
  reply.status(200).send(wordStatus(reading.document, locale));
}

/** `If-None-Match` with this ETag, in a list, weak or not, or `*`. */
function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === etag);
}
