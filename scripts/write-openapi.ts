// Writes the api's OpenAPI document to a file (default dist/openapi.json) without
// starting anything: the controllers' routes and decorators make the document, so they
// are built with every dependency stubbed. The sandbox's routes are included.
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { apiControllers } from '../apps/api/src/app.module';
import { buildOpenApiDocument } from '../apps/api/src/openapi';

async function main(): Promise<void> {
  const out = resolve(process.argv[2] ?? 'dist/openapi.json');
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
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(document, null, 2)}\n`);
  await app.close();
  console.log(`OpenAPI document written to ${out}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
