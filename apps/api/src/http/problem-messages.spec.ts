import 'reflect-metadata';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { LOCALES, PROBLEM_CATALOGUE } from '@shiming/common';
import { apiControllers } from '../app.module';
import { buildOpenApiDocument } from '../openapi';

type Responses = Record<
  string,
  { content?: Record<string, { examples?: Record<string, { value: { code?: string } }> }> }
>;

// Every refusal code the API may answer with is declared in its document (the abuse suite
// holds the answers to that); each must be worded in every language.
async function declaredCodes(): Promise<Set<string>> {
  const moduleRef = await Test.createTestingModule({
    controllers: apiControllers({ sandbox: true }),
  })
    .useMocker(() => ({}))
    .compile();
  const app = moduleRef.createNestApplication(new FastifyAdapter(), {
    logger: false,
    bodyParser: false,
  });
  const document = buildOpenApiDocument(app);
  await app.close();
  const codes = new Set<string>();
  for (const operations of Object.values(document.paths)) {
    for (const operation of Object.values(operations as Record<string, unknown>)) {
      const responses = (operation as { responses?: Responses }).responses ?? {};
      for (const response of Object.values(responses)) {
        for (const media of Object.values(response.content ?? {})) {
          for (const example of Object.values(media.examples ?? {})) {
            if (example.value.code) codes.add(example.value.code);
          }
        }
      }
    }
  }
  return codes;
}

describe('refusal messages of the API', () => {
  it('word every code the OpenAPI document declares, in every language', async () => {
    const codes = await declaredCodes();
    expect(codes.size).toBeGreaterThan(30);
    const missing = [...codes].filter((code) => !PROBLEM_CATALOGUE.has(code));
    expect(missing).toEqual([]);
    for (const code of codes) {
      for (const locale of LOCALES) {
        expect(PROBLEM_CATALOGUE.format(locale, code as never)).not.toBe('');
      }
    }
  });
});
