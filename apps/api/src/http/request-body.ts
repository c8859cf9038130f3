import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import {
  BadRequestError,
  InvalidInputError,
  MalformedJsonError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from './edge.errors';

/** The media types a request body may have at all; each route takes one of them. */
export const JSON_MEDIA_TYPE = 'application/json';
export const MULTIPART_MEDIA_TYPE = 'multipart/form-data';

/**
 * The middleware every request passes before routing, in this order: a path that
 * cannot be decoded is refused, a body of a type the api never takes is refused
 * unread, and a JSON body is parsed within `jsonBodyLimitBytes`. Multipart bodies are
 * left to the upload routes. Every refusal is one of the edge's errors.
 */
export function requestBodyMiddleware(options: { jsonBodyLimitBytes: number }): RequestHandler[] {
  return [refuseUndecodablePath, refuseUnsupportedBody, jsonBody(options.jsonBodyLimitBytes)];
}

// Only these take a body; a body sent with another method is neither read nor judged.
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** A body is coming with a method that takes one: chunked, or a Content-Length above zero. */
export function hasBody(request: Request): boolean {
  const length = request.headers['content-length'];
  return (
    BODY_METHODS.has(request.method) &&
    (request.headers['transfer-encoding'] !== undefined ||
      (length !== undefined && Number(length) > 0))
  );
}

// The router would fail on these with a bare 400, and a NUL would reach SQL.
function refuseUndecodablePath(request: Request, _response: Response, next: NextFunction): void {
  for (const segment of request.path.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return next(
        new InvalidInputError([
          { field: 'path', code: 'malformed_encoding', message: 'the path is not UTF-8' },
        ]),
      );
    }
    if (decoded.includes('\u0000')) {
      return next(
        new InvalidInputError([
          { field: 'path', code: 'nul_character', message: 'the path has a NUL character' },
        ]),
      );
    }
  }
  next();
}

function refuseUnsupportedBody(request: Request, _response: Response, next: NextFunction): void {
  if (!hasBody(request)) return next();
  const encoding = (request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity') {
    return next(
      new UnsupportedMediaTypeError(
        `Content-Encoding ${encoding} is not taken; send the body uncompressed.`,
      ),
    );
  }
  if (!request.is([JSON_MEDIA_TYPE, MULTIPART_MEDIA_TYPE])) {
    return next(
      new UnsupportedMediaTypeError(
        `The body must be ${JSON_MEDIA_TYPE} (or ${MULTIPART_MEDIA_TYPE} where a route takes files).`,
      ),
    );
  }
  next();
}

/** body-parser's JSON parser, strict and uncompressed, with its errors made ours. */
function jsonBody(limit: number): RequestHandler {
  const parse = express.json({ limit, strict: true, inflate: false, type: JSON_MEDIA_TYPE });
  return (request, response, next) => {
    if (!hasBody(request)) return next();
    parse(request, response, (error?: unknown) =>
      next(error === undefined ? undefined : bodyParserError(error, limit)),
    );
  };
}

/** body-parser's errors carry a `type`; see its README's list of errors. */
export function bodyParserError(error: unknown, limit: number): unknown {
  const type = (error as { type?: unknown } | null)?.type;
  switch (type) {
    case 'entity.too.large':
      return new PayloadTooLargeError(`The body is larger than ${limit} bytes.`);
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new UnsupportedMediaTypeError('The body must be UTF-8 JSON, uncompressed.');
    case 'entity.parse.failed':
      return new MalformedJsonError();
    case 'request.aborted':
    case 'request.size.invalid':
      return new BadRequestError('The body ended before its Content-Length.');
    default:
      return error;
  }
}
