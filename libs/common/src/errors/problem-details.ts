import { HttpException, HttpStatus } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from './database-unavailable';
import { DEFAULT_LOCALE, Locale } from '../i18n/locale';
import { DomainError, isCodedError } from './domain-error';
import { PROBLEM_CATALOGUE } from './messages';
import { FIELD_CATALOGUE } from './messages/field-messages';
import { FieldError } from './validation-error';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** An RFC 9457 problem document, with our stable `code` beside the standard members. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  instance?: string;
  [extra: string]: unknown;
}

export interface RenderedProblem {
  problem: ProblemDetails;
  /** Set when the failure is a bug of ours, not the caller's: log it with its stack. */
  unexpected: boolean;
}

const RESERVED = new Set(['type', 'title', 'status', 'code', 'detail', 'instance']);

/** The code of a Nest HTTP exception that names none, by its status. */
export const CODE_BY_STATUS: Readonly<Record<number, string>> = {
  [HttpStatus.BAD_REQUEST]: 'bad_request',
  [HttpStatus.UNAUTHORIZED]: 'unauthorized',
  [HttpStatus.FORBIDDEN]: 'forbidden',
  [HttpStatus.NOT_FOUND]: 'not_found',
  [HttpStatus.METHOD_NOT_ALLOWED]: 'method_not_allowed',
  [HttpStatus.NOT_ACCEPTABLE]: 'not_acceptable',
  [HttpStatus.CONFLICT]: 'conflict',
  [HttpStatus.GONE]: 'gone',
  [HttpStatus.PAYLOAD_TOO_LARGE]: 'payload_too_large',
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: 'unsupported_media_type',
  [HttpStatus.UNPROCESSABLE_ENTITY]: 'validation_failed',
  [HttpStatus.TOO_MANY_REQUESTS]: 'rate_limited',
  [HttpStatus.SERVICE_UNAVAILABLE]: 'service_unavailable',
};

/**
 * Maps anything thrown while serving a request to the problem document the client
 * gets, worded in `locale`. Domain errors and look-alikes keep their code and extras;
 * Nest's HTTP exceptions get a code from their status; anything else is a bare 500.
 */
export function toProblem(
  exception: unknown,
  instance?: string,
  locale: Locale = DEFAULT_LOCALE,
): RenderedProblem {
  const rendered = toEnglishProblem(exception, instance);
  return { ...rendered, problem: inLocale(rendered.problem, locale) };
}

/**
 * The detail a person reads: the catalogue's message for the code in zh-CN; in English,
 * the more specific text the refusal was raised with, else the catalogue's. A bare 500
 * stays bare. Also rewords a stored English problem for a replay in another language.
 */
export function inLocale(problem: ProblemDetails, locale: Locale): ProblemDetails {
  if (problem.code === 'internal_error') return problem;
  if (locale === 'en')
    return problem.detail !== undefined ? problem : withCatalogueDetail(problem, locale);
  return withFieldMessages(withCatalogueDetail(problem, locale), locale);
}

function withCatalogueDetail(problem: ProblemDetails, locale: Locale): ProblemDetails {
  if (!PROBLEM_CATALOGUE.has(problem.code)) return problem;
  return { ...problem, detail: PROBLEM_CATALOGUE.format(locale, problem.code) };
}

/** Each field error's message from the catalogue, by its code (a generic one if unknown). */
function withFieldMessages(problem: ProblemDetails, locale: Locale): ProblemDetails {
  if (!Array.isArray(problem.errors)) return problem;
  const errors = (problem.errors as FieldError[]).map((error) => ({
    ...error,
    message: FIELD_CATALOGUE.format(
      locale,
      FIELD_CATALOGUE.has(error.code) ? error.code : 'invalid',
      {
        field: error.field,
      },
    ),
  }));
  return { ...problem, errors };
}

function toEnglishProblem(exception: unknown, instance?: string): RenderedProblem {
  if (exception instanceof DomainError || isCodedError(exception)) {
    if (exception.status === HttpStatus.INTERNAL_SERVER_ERROR) return internalError(instance);
    const source = exception as DomainError;
    const detail = typeof source.detail === 'string' ? source.detail : source.message || undefined;
    return {
      problem: {
        ...extrasOf(source.extras),
        ...base(exception.status, exception.code, instance),
        ...(detail ? { detail } : {}),
      },
      unexpected: false,
    };
  }
  if (exception instanceof HttpException) return fromHttpException(exception, instance);
  if (isDatabaseUnavailable(exception)) return databaseUnavailable(instance);
  return internalError(instance);
}

function databaseUnavailable(instance?: string): RenderedProblem {
  return {
    problem: {
      ...base(HttpStatus.SERVICE_UNAVAILABLE, 'database_unavailable', instance),
      detail: PROBLEM_CATALOGUE.format('en', 'database_unavailable'),
      retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS,
    },
    unexpected: false,
  };
}

function fromHttpException(exception: HttpException, instance?: string): RenderedProblem {
  const status = exception.getStatus();
  if (status === HttpStatus.INTERNAL_SERVER_ERROR) return internalError(instance);
  const body = exception.getResponse();
  const message = typeof body === 'string' ? body : (body as { message?: unknown }).message;
  // ValidationPipe without our exception factory: a 400 listing one message per failure.
  if (status === HttpStatus.BAD_REQUEST && Array.isArray(message)) {
    return {
      problem: {
        ...base(HttpStatus.UNPROCESSABLE_ENTITY, 'validation_failed', instance),
        detail: 'The request has invalid fields.',
        errors: message.map((text) => fieldErrorFromMessage(String(text))),
      },
      unexpected: false,
    };
  }
  const ownCode = typeof body === 'object' ? (body as { code?: unknown }).code : undefined;
  const code = typeof ownCode === 'string' ? ownCode : (CODE_BY_STATUS[status] ?? `http_${status}`);
  const detail = typeof message === 'string' && message !== STATUS_CODES[status] ? message : null;
  return {
    problem: { ...base(status, code, instance), ...(detail ? { detail } : {}) },
    unexpected: false,
  };
}

function internalError(instance?: string): RenderedProblem {
  return {
    problem: base(HttpStatus.INTERNAL_SERVER_ERROR, 'internal_error', instance),
    unexpected: true,
  };
}

function base(status: number, code: string, instance?: string): ProblemDetails {
  return {
    type: 'about:blank',
    title: STATUS_CODES[status] ?? 'Error',
    status,
    code,
    ...(instance ? { instance } : {}),
  };
}

function extrasOf(extras: unknown): Record<string, unknown> {
  if (typeof extras !== 'object' || extras === null || Array.isArray(extras)) return {};
  return Object.fromEntries(Object.entries(extras).filter(([key]) => !RESERVED.has(key)));
}

// "items.0.name must be a string" / "property foo should not exist"
function fieldErrorFromMessage(message: string): FieldError {
  const unknown = /^property (\S+) should not exist$/.exec(message);
  if (unknown) return { field: unknown[1], code: 'unknown_field', message };
  return { field: message.split(' ', 1)[0], code: 'invalid', message };
}
