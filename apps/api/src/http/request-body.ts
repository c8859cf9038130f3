import bodyParser from 'body-parser';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import typeIs from 'type-is';
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

// Only these take a body; a body sent with another method is neither read nor judged.
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** A body is coming with a method that takes one: chunked, or a Content-Length above zero. */
export function hasBody(request: Pick<IncomingMessage, 'method' | 'headers'>): boolean {
  const length = request.headers['content-length'];
  return (
    BODY_METHODS.has(request.method ?? '') &&
    (request.headers['transfer-encoding'] !== undefined ||
      (length !== undefined && Number(length) > 0))
  );
}

/** The request's body is of one of `types` (media types, as `type-is` reads them). */
export function bodyIs(request: IncomingMessage, types: string[]): boolean {
  return typeIs(request, types) !== false;
}

/**
 * Why a path cannot be taken (the router would fail on it with a bare 400, and a NUL
 * would reach SQL), or undefined. `url` is the path with its query.
 */
export function pathError(url: string): InvalidInputError | undefined {
  const at = url.indexOf('?');
  const path = at < 0 ? url : url.slice(0, at);
  // Most paths have nothing encoded: nothing to decode.
  if (!path.includes('%')) return undefined;
  for (const segment of path.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return new InvalidInputError([
        { field: 'path', code: 'malformed_encoding', message: 'the path is not UTF-8' },
      ]);
    }
    if (decoded.includes('\u0000')) {
      return new InvalidInputError([
        { field: 'path', code: 'nul_character', message: 'the path has a NUL character' },
      ]);
    }
  }
  return undefined;
}

/** Fastify's refusals before routing (a path it cannot decode), as the edge's errors. */
export function routingError(error: { code?: string }): unknown {
  if (error.code === 'FST_ERR_BAD_URL') {
    return new InvalidInputError([
      { field: 'path', code: 'malformed_encoding', message: 'the path is not UTF-8' },
    ]);
  }
  return new BadRequestError('The request cannot be routed.');
}

/**
 * The body parsers, in place of Fastify's own: a body of a type the api never takes
 * is refused unread, a compressed one too, a JSON body is parsed by body-parser
 * within `jsonBodyLimitBytes` (strict: an object or an array), and a multipart body
 * is left unread for the upload routes. Every refusal is one of the edge's errors.
 */
export function registerBodyParsers(
  fastify: FastifyInstance,
  options: { jsonBodyLimitBytes: number },
): void {
  const limit = options.jsonBodyLimitBytes;
  const parseJson = bodyParser.json({ limit, strict: true, inflate: false, type: JSON_MEDIA_TYPE });
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(JSON_MEDIA_TYPE, (request, payload, done) => {
    const refused = refusal(request);
    if (refused !== undefined) return done(refused === false ? null : refused, undefined);
    const raw = request.raw as IncomingMessage & { body?: unknown };
    parseJson(raw, undefined as never, (error?: unknown) =>
      error === undefined ? done(null, raw.body) : done(bodyParserError(error, limit) as Error),
    );
  });
  // Read by the upload routes' interceptor, within the limits of each route.
  fastify.addContentTypeParser(MULTIPART_MEDIA_TYPE, (request, payload, done) => {
    const refused = refusal(request);
    done(refused === false || refused === undefined ? null : refused, undefined);
  });
  fastify.addContentTypeParser('*', (request, payload, done) => {
    const refused = refusal(request);
    if (refused !== undefined) return done(refused === false ? null : refused, undefined);
    done(
      new UnsupportedMediaTypeError(
        `The body must be ${JSON_MEDIA_TYPE} (or ${MULTIPART_MEDIA_TYPE} where a route takes files).`,
      ),
      undefined,
    );
  });
}

/**
 * Before a body is read: `false` when there is none to judge (another method than
 * POST, PUT or PATCH, or no body), an error for a compressed one, else undefined.
 */
function refusal(request: FastifyRequest): Error | false | undefined {
  if (!hasBody(request.raw)) {
    // Read and dropped, so that the connection can carry the next request.
    request.raw.resume();
    return false;
  }
  const encoding = (request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity') {
    return new UnsupportedMediaTypeError(
      `Content-Encoding ${encoding} is not taken; send the body uncompressed.`,
    );
  }
  return undefined;
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
