import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { FieldErrorDto, ProblemDetailsDto } from '@shiming/common';
import { problem, problemResponse, type ProblemSpec } from './http/api-problems';
import { RATE_LIMIT_EXTENSION } from './http/rate-limit/rate-limit.decorator';

// The version of the HTTP contract (v1), not of the package.
const API_VERSION = '1.0.0';

export const DOCS_PATH = '/docs';

const DESCRIPTION = [
  'Shiming runs the real-name verification (KYC) of payment accounts as an event-sourced',
  'workflow, with a back office for the people who review cases by hand.',
  '',
  'Errors are `application/problem+json` (RFC 9457) with a stable `code`; every route lists',
  'the codes it may answer with, one example each. 422 for bad input, 409 for a step not',
  'allowed in the current state, 403 for a role or ownership failure, 401 without a valid',
  'token, 413/415 for a body too large or of a type the route does not take, 429 over a',
  'rate limit (with `Retry-After`). Authenticate with `Authorization: Bearer <JWT>`.',
  '',
  'Words meant for a person (a problem’s `detail`, a notice’s `message`) are in the language',
  '`Accept-Language` asks for: `zh-CN` (the default) or `en`, said by `Content-Language`.',
  'Codes are the same in every language.',
].join('\n');

type Operation = {
  security?: Record<string, string[]>[];
  requestBody?: { content?: Record<string, unknown> };
  responses: Record<string, unknown>;
  [extension: `x-${string}`]: unknown;
};

const INVALID_INPUT = problem(422, 'invalid_input', 'The request has text that no field takes.', {
  errors: [{ field: 'name', code: 'nul_character', message: 'has a NUL character' }],
});
const UNAUTHENTICATED = problem(401, 'unauthenticated', 'This needs a bearer token.');
const FORBIDDEN = problem(403, 'forbidden', 'This needs one of the roles: user.');
const RATE_LIMITED = problem(429, 'rate_limited', 'Too many requests; retry after 30 seconds.', {
  retryAfterSeconds: 30,
});
const RETRY_AFTER = {
  description: 'Seconds until the request may be made again',
  schema: { type: 'integer', minimum: 1, example: 30 },
};
const UNSUPPORTED_MEDIA_TYPE = problem(
  415,
  'unsupported_media_type',
  'The body must be application/json (or multipart/form-data where a route takes files).',
);
const JSON_BODY = [
  problem(413, 'payload_too_large', 'The body is larger than 65536 bytes.'),
  UNSUPPORTED_MEDIA_TYPE,
  problem(422, 'malformed_json', 'The body is not valid JSON.'),
];
const MULTIPART_BODY = [
  UNSUPPORTED_MEDIA_TYPE,
  problem(422, 'malformed_multipart', 'The multipart body cannot be read.'),
  problem(422, 'unexpected_file', 'This field takes no file.', { field: 'passport' }),
  problem(422, 'unexpected_field', 'An upload takes files only, no text fields.', {
    field: 'note',
  }),
  problem(422, 'file_too_large', 'A file is larger than 5242880 bytes.', {
    field: 'certificates',
  }),
];
const IDEMPOTENCY = [
  problem(
    422,
    'invalid_idempotency_key',
    'Idempotency-Key must be 1 to 255 printable ASCII characters.',
  ),
  problem(422, 'idempotency_key_reused', 'This Idempotency-Key was used with a different request.'),
  problem(
    409,
    'idempotency_key_in_progress',
    'A request with this Idempotency-Key is still being processed; retry later.',
  ),
];
const BODY_METHODS = new Set(['post', 'put', 'patch']);

/** The OpenAPI document of the api's routes, with every refusal each can give. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Shiming API')
    .setDescription(DESCRIPTION)
    .setVersion(API_VERSION)
    .setLicense('Apache-2.0', 'https://www.apache.org/licenses/LICENSE-2.0')
    .addServer('/', 'This api')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    extraModels: [ProblemDetailsDto, FieldErrorDto],
  });
  // RFC 9457: a problem may carry extension members (`errors`, `attemptsLeft`, `field`…).
  const problemSchema = document.components?.schemas?.ProblemDetailsDto;
  if (problemSchema && !('$ref' in problemSchema)) problemSchema.additionalProperties = true;
  return withEdgeProblems(document);
}

/** Serves the OpenAPI document at `/docs` (UI) and `/docs-json`. */
export function setupOpenApi(app: INestApplication): void {
  SwaggerModule.setup(DOCS_PATH.slice(1), app, buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
  });
}

/**
 * Adds to every operation the refusals the HTTP edge gives on any route of its kind,
 * beside those its controller declares: 401/403 where a token is needed, 429 where
 * rate limits apply, 413/415/422 for bodies, 422 `invalid_input`, and those of
 * `Idempotency-Key` on POST. A route without `@ApiBearerAuth` is public and says so
 * (`security: []`).
 */
export function withEdgeProblems(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const [method, value] of Object.entries(item)) {
      if (!['get', 'put', 'post', 'delete', 'patch'].includes(method)) continue;
      const operation = value as Operation;
      const secured = (operation.security?.length ?? 0) > 0;
      if (!secured) operation.security = [];
      const edge: ProblemSpec[] = [INVALID_INPUT];
      if (secured) edge.push(UNAUTHENTICATED, FORBIDDEN);
      operation[RATE_LIMIT_EXTENSION] ??= ['default'];
      if (operation[RATE_LIMIT_EXTENSION] !== 'none') edge.push(RATE_LIMITED);
      if (BODY_METHODS.has(method)) {
        const multipart = Object.keys(operation.requestBody?.content ?? {}).some((type) =>
          type.startsWith('multipart/'),
        );
        edge.push(...(multipart ? MULTIPART_BODY : JSON_BODY));
      }
      if (method === 'post') edge.push(...IDEMPOTENCY);
      addProblems(operation, edge);
      if (edge.includes(RATE_LIMITED)) {
        (operation.responses[429] as { headers?: Record<string, unknown> }).headers ??= {
          'Retry-After': RETRY_AFTER,
        };
      }
    }
  }
  return document;
}

// Merges examples into a status the route already declares; its own come first.
function addProblems(operation: Operation, specs: ProblemSpec[]): void {
  const byStatus = new Map<number, ProblemSpec[]>();
  for (const spec of specs) byStatus.set(spec.status, [...(byStatus.get(spec.status) ?? []), spec]);
  for (const [status, group] of byStatus) {
    const added = problemResponse(group);
    const existing = operation.responses[status] as
      | { description?: string; content?: Record<string, { examples?: Record<string, unknown> }> }
      | undefined;
    const examples = existing?.content?.['application/problem+json']?.examples;
    if (!existing || !examples) {
      operation.responses[status] = added;
      continue;
    }
    const own = new Set(
      Object.values(examples).map((e) => (e as { value: { code: string } }).value.code),
    );
    const fresh = group.filter((spec) => !own.has(spec.code));
    if (fresh.length === 0) continue;
    Object.assign(examples, problemResponse(fresh).content['application/problem+json'].examples);
    existing.description = `${existing.description}, ${fresh.map((s) => `\`${s.code}\``).join(', ')}`;
  }
}
