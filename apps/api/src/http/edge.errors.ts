import { DomainError, type FieldError } from '@shiming/common';

// Refusals of the HTTP edge: requests turned away before any handler runs, so that
// nothing is written for them. Each has one status and one stable code.

/** The body is larger than the api reads (`JSON_BODY_LIMIT_BYTES`). */
export class PayloadTooLargeError extends DomainError {
  readonly code = 'payload_too_large';
  readonly status = 413;
}

/**
 * The body's media type, charset or content encoding is not one the route takes:
 * JSON (UTF-8, uncompressed) on JSON routes, multipart/form-data on upload routes.
 */
export class UnsupportedMediaTypeError extends DomainError {
  readonly code = 'unsupported_media_type';
  readonly status = 415;
}

/** The body says it is JSON and is not (or is not an object or array). */
export class MalformedJsonError extends DomainError {
  readonly code = 'malformed_json';
  readonly status = 422;

  constructor() {
    // The parser's own message quotes the body, which may hold personal data.
    super('The body is not valid JSON.');
  }
}

/**
 * Text no field may hold, in the body, the path or the query: a NUL character, half
 * of a UTF-16 surrogate pair, a path that is not valid percent-encoded UTF-8, or
 * JSON nested deeper than any request needs. One error per offending field.
 */
export class InvalidInputError extends DomainError {
  readonly code = 'invalid_input';
  readonly status = 422;

  constructor(readonly errors: FieldError[]) {
    super('The request has text that no field takes.', { errors });
  }
}

/** The multipart body cannot be read: truncated, without a boundary, broken parts. */
export class MalformedMultipartError extends DomainError {
  readonly code = 'malformed_multipart';
  readonly status = 422;
}

/** A file in a field the route does not take, or more files than it reads. */
export class UnexpectedFileError extends DomainError {
  readonly code = 'unexpected_file';
  readonly status = 422;
}

/** A text field in an upload, which takes files only. */
export class UnexpectedFieldError extends DomainError {
  readonly code = 'unexpected_field';
  readonly status = 422;
}

/** A broken HTTP message (a body shorter than its Content-Length, an aborted upload). */
export class BadRequestError extends DomainError {
  readonly code = 'bad_request';
  readonly status = 400;
}
