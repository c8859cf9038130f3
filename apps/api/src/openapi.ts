import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { FieldErrorDto, ProblemDetailsDto } from '@shiming/common';

// The version of the HTTP contract (v1), not of the package.
const API_VERSION = '1.0.0';

const DESCRIPTION = [
  'Shiming runs the real-name verification (KYC) of payment accounts as an event-sourced',
  'workflow, with a back office for the people who review cases by hand.',
  '',
  'Errors are `application/problem+json` (RFC 9457) with a stable `code`;',
  '422 for bad input, 409 for a step not allowed in the current state,',
  '403 for a role or ownership failure. Authenticate with `Authorization: Bearer <JWT>`.',
].join('\n');

export const DOCS_PATH = '/docs';

/** Serves the OpenAPI document at `/docs` (UI) and `/docs-json`. */
export function setupOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Shiming API')
    .setDescription(DESCRIPTION)
    .setVersion(API_VERSION)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    extraModels: [ProblemDetailsDto, FieldErrorDto],
  });
  SwaggerModule.setup(DOCS_PATH.slice(1), app, document, { jsonDocumentUrl: 'docs-json' });
}
