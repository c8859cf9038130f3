import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { from, lastValueFrom, Observable, of } from 'rxjs';
import { principalOf } from '../auth/principal';
import {
  inLocale,
  PROBLEM_CONTENT_TYPE,
  ProblemDetails,
  toProblem,
} from '../errors/problem-details';
import { negotiateLocale } from '../i18n/locale';
import {
  IdempotencyKeyInProgressError,
  IdempotencyKeyReusedError,
  InvalidIdempotencyKeyError,
} from './idempotency.errors';
import { idempotencySecretsOf, isIdempotencyNotStored } from './idempotency-secrets.decorator';
import { IdempotencyScope, IdempotencyStore, StoredResponse } from './idempotency.store';
import { FingerprintedRequest, RequestFingerprinter } from './request-fingerprint';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

const KEY_FORMAT = /^[\x20-\x7E]{1,255}$/;
// Callers without a token (public routes) share one scope; no token has an empty `sub`.
const ANONYMOUS = '';

// Per-request values that must not be replayed as if they were part of the answer.
const UNREPLAYED_HEADERS = new Set([
  'connection',
  'content-length',
  'date',
  'keep-alive',
  'set-cookie',
  'transfer-encoding',
  'x-correlation-id',
  'x-powered-by',
  'x-request-id',
]);

const HANDLED = Symbol('idempotency handled');

interface HttpRequest extends FingerprintedRequest {
  headers: Record<string, string | string[] | undefined>;
  originalUrl?: string;
  [HANDLED]?: boolean;
}

// Fastify's reply, as far as it is used here.
interface HttpResponse {
  statusCode: number;
  status(code: number): unknown;
  header(name: string, value: string): unknown;
  getHeaders(): Record<string, unknown>;
}

/**
 * `Idempotency-Key` on POST (DESIGN §4): the first answer to a key is stored and
 * replayed to any retry with the same request (`Idempotent-Replayed: true`); the
 * key with another request is 422 `idempotency_key_reused`; a retry while the first
 * is still running is 409 `idempotency_key_in_progress`. "The same request" is a keyed
 * fingerprint that leaves out the fields a route declares `@IdempotencySecrets(...)`. 4xx answers are replayed
 * like successes, except transient ones (408, 429, `version_conflict`); after a 5xx
 * the key is released so that a retry runs again. No key, no idempotency.
 *
 * Runs on the routes that declare `@Idempotent()` only (the api refuses to start with
 * a POST route that declares neither it nor `@IdempotencyNotStored()`). An upload
 * route names its file interceptor first, so that the fields and files can be hashed:
 * `@Idempotent(UploadInterceptor(...))`. Handlers must return their body (no `@Res()`).
 *
 * The answer is stored after the handler's own transaction committed: if the
 * process dies in between, a retry after `IDEMPOTENCY_LOCK_TIMEOUT_MS` runs the
 * command again, and the command itself must refuse a repeat (wrong_state).
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger(IdempotencyInterceptor.name);

  constructor(
    private readonly store: IdempotencyStore,
    private readonly fingerprinter: RequestFingerprinter,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<HttpRequest>();
    const response = http.getResponse<HttpResponse>();
    const header = request.headers[IDEMPOTENCY_KEY_HEADER.toLowerCase()];
    if (
      request.method !== 'POST' ||
      header === undefined ||
      request[HANDLED] ||
      isIdempotencyNotStored(context.getHandler())
    ) {
      return next.handle();
    }
    request[HANDLED] = true;
    if (typeof header !== 'string' || !KEY_FORMAT.test(header)) {
      throw new InvalidIdempotencyKeyError(
        `${IDEMPOTENCY_KEY_HEADER} must be 1 to 255 printable ASCII characters.`,
      );
    }
    const principal = principalOf(request);
    const scope: IdempotencyScope = {
      principal: principal?.sub ?? ANONYMOUS,
      key: header,
      method: request.method,
      path: pathOf(request),
      requestHash: await this.fingerprinter.fingerprint(
        {
          method: request.method,
          url: request.originalUrl ?? request.url,
          body: request.body,
          file: request.file,
          files: request.files,
        },
        idempotencySecretsOf(context.getHandler(), context.getClass()),
      ),
      // A user acts on their own account; an answer naming an account overrides this.
      accountId: principal?.roles.includes('user') ? principal.sub : null,
    };
    const claim = await this.store.claim(scope);
    switch (claim.outcome) {
      case 'reused':
        throw new IdempotencyKeyReusedError(
          `This ${IDEMPOTENCY_KEY_HEADER} was used with a different request.`,
        );
      case 'in_progress':
        throw new IdempotencyKeyInProgressError(
          `A request with this ${IDEMPOTENCY_KEY_HEADER} is still being processed; retry later.`,
        );
      case 'replay':
        return of(replay(claim.response, request, response));
      case 'claimed':
        return from(this.run(next, scope, claim.claimedAt, response));
    }
  }

  private async run(
    next: CallHandler,
    scope: IdempotencyScope,
    claimedAt: string,
    response: HttpResponse,
  ): Promise<unknown> {
    let body: unknown;
    try {
      body = await lastValueFrom(next.handle(), { defaultValue: undefined });
    } catch (error) {
      await this.settleFailure(error, scope, claimedAt);
      throw error;
    }
    await this.finish(scope, claimedAt, () => ({
      statusCode: response.statusCode,
      body,
      headers: replayableHeaders(response),
    }));
    return body;
  }

  private async settleFailure(error: unknown, scope: IdempotencyScope, claimedAt: string) {
    // Stored in English, the words the refusal was raised with; a replay rewords it in
    // the language its own request asks for.
    const { problem } = toProblem(error, scope.path, 'en');
    if (isTransient(problem.status, problem.code)) {
      await this.store
        .release(scope, claimedAt)
        .catch((failure: unknown) => this.logger.error(failure));
      return;
    }
    const retryAfter = (problem as { retryAfterSeconds?: unknown }).retryAfterSeconds;
    await this.finish(scope, claimedAt, () => ({
      statusCode: problem.status,
      body: problem,
      headers: {
        'content-type': `${PROBLEM_CONTENT_TYPE}; charset=utf-8`,
        // A replayed 423 or 429 says, like the first answer, when to come back.
        ...(typeof retryAfter === 'number' ? { 'retry-after': String(retryAfter) } : {}),
      },
    }));
  }

  // A failure to store the answer must not turn a done command into an error: the
  // key stays in progress and a retry after the lock timeout runs again.
  private async finish(scope: IdempotencyScope, claimedAt: string, answer: () => StoredResponse) {
    try {
      const stored = await this.store.complete(scope, claimedAt, answer());
      if (!stored)
        this.logger.warn(`Idempotency key of ${scope.path} was taken over before it completed`);
    } catch (error) {
      this.logger.error(error);
    }
  }
}

function replay(stored: StoredResponse, request: HttpRequest, response: HttpResponse): unknown {
  response.status(stored.statusCode);
  for (const [name, value] of Object.entries(stored.headers)) response.header(name, value);
  response.header(IDEMPOTENT_REPLAYED_HEADER, 'true');
  if (!isStoredProblem(stored)) return stored.body;
  const locale = negotiateLocale(request.headers['accept-language']);
  response.header('Content-Language', locale);
  response.header('Vary', 'Accept-Language');
  return inLocale(stored.body, locale);
}

function isStoredProblem(
  stored: StoredResponse,
): stored is StoredResponse & { body: ProblemDetails } {
  const type = Object.entries(stored.headers).find(
    ([name]) => name.toLowerCase() === 'content-type',
  );
  return (
    type !== undefined &&
    type[1].startsWith(PROBLEM_CONTENT_TYPE) &&
    typeof (stored.body as { code?: unknown } | null)?.code === 'string'
  );
}

function replayableHeaders(response: HttpResponse): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.getHeaders())) {
    if (UNREPLAYED_HEADERS.has(name.toLowerCase()) || value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return headers;
}

// Worth retrying as they are: the same request may succeed later.
function isTransient(status: number, code: string): boolean {
  return status >= 500 || status === 408 || status === 429 || code === 'version_conflict';
}

// The path only: a query may carry personal data and this is stored.
function pathOf(request: HttpRequest): string {
  return (request.originalUrl ?? request.url).split('?', 1)[0];
}
