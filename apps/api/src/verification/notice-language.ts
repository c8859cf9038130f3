import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { map, type Observable } from 'rxjs';
import { BACKOFFICE_MESSAGES } from '@shiming/backoffice';
import { negotiateLocale, type Locale } from '@shiming/common';
import { VERIFICATION_MESSAGES, type StatusDocument } from '@shiming/verification';

type Notice = NonNullable<StatusDocument['notice']>;

// Notices whose `message`, when there is one, is what a staff member wrote to the user.
const STAFF_WORDED = new Set(['reupload_requested']);

/**
 * The words of a notice in `locale`, chosen when read: the status document stores its
 * code and parameters. A staff member's own words to the user (a rejection's, a request
 * for new uploads) are kept as written; a rejection without them is told the reason's
 * default message.
 */
export function wordNotice(notice: Notice, locale: Locale): Notice {
  const ownWords = notice.message;
  const noticeId = `notice.${notice.code}`;
  if (VERIFICATION_MESSAGES.has(noticeId)) {
    if (ownWords !== undefined && STAFF_WORDED.has(notice.code)) return notice;
    try {
      return { ...notice, message: VERIFICATION_MESSAGES.format(locale, noticeId, notice.params) };
    } catch {
      // A row written before parameters were stored (a read model not yet rebuilt).
      return notice;
    }
  }
  if (ownWords !== undefined) return notice;
  const reasonId = `reason.${notice.code}.message`;
  if (BACKOFFICE_MESSAGES.has(reasonId)) {
    return { ...notice, message: BACKOFFICE_MESSAGES.format(locale, reasonId) };
  }
  return notice;
}

export function wordStatus(document: StatusDocument, locale: Locale): StatusDocument {
  return document.notice ? { ...document, notice: wordNotice(document.notice, locale) } : document;
}

/**
 * The ETag of a status document as worded in `locale`: its versions' tag with the
 * language in it (`"7-zh-CN"`, `"3.12-en"`), since the same versions read differently in
 * each language. Every answer and every `If-None-Match` comparison goes through it.
 */
export function languageEtag(etag: string, locale: Locale): string {
  return `${etag.slice(0, -1)}-${locale}"`;
}

function isStatusDocument(body: unknown): body is StatusDocument {
  return typeof body === 'object' && body !== null && 'nextActions' in body && 'state' in body;
}

/**
 * Words the notice of every status document a step answers with in the language of the
 * request's `Accept-Language` (zh-CN unless English is preferred), says which, and puts
 * the language in the answer's ETag.
 */
@Injectable()
export class NoticeLanguageInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<{ headers: Record<string, string | string[] | undefined> }>();
    const locale = negotiateLocale(request.headers['accept-language']);
    const response = http.getResponse<{
      header(name: string, value: string): unknown;
      getHeader(name: string): unknown;
    }>();
    response.header('Content-Language', locale);
    response.header('Vary', 'Accept-Language');
    return next.handle().pipe(
      map((body: unknown) => {
        if (!isStatusDocument(body)) return body;
        // The step set its versions' ETag; the answer is worded, so its tag names the language.
        const etag = response.getHeader('etag');
        if (typeof etag === 'string') response.header('ETag', languageEtag(etag, locale));
        return wordStatus(body, locale);
      }),
    );
  }
}
