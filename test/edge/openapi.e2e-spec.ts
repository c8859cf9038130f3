import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { startApi, testConfig } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/test-database';

type Operation = {
  security?: unknown[];
  responses: Record<string, { content?: Record<string, { examples?: object }> }>;
};

describe('the OpenAPI document', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let served: { paths: Record<string, Record<string, Operation>> };

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await startApi(testConfig(db.url, { SANDBOX: 'true' }));
    served = (await request(app.getHttpServer()).get('/docs-json').expect(200)).body;
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const operations = () =>
    Object.entries(served.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
    );

  it('is the one `npm run openapi` writes without starting anything', () => {
    const directory = mkdtempSync(join(tmpdir(), 'shiming-openapi-'));
    try {
      const file = join(directory, 'openapi.json');
      execFileSync(
        'node',
        [
          '-r',
          '@swc-node/register',
          '-r',
          'tsconfig-paths/register',
          'scripts/write-openapi.ts',
          file,
        ],
        { cwd: join(__dirname, '..', '..'), stdio: 'pipe' },
      );
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(served);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('declares 401 and 403 on every route that needs a token, and says which need none', () => {
    for (const { path, method, operation } of operations()) {
      expect({ path, method, security: Array.isArray(operation.security) }).toEqual({
        path,
        method,
        security: true,
      });
      if ((operation.security?.length ?? 0) > 0) {
        expect({ path, method, statuses: Object.keys(operation.responses) }).toEqual({
          path,
          method,
          statuses: expect.arrayContaining(['401', '403']),
        });
      }
    }
  });

  it('gives every refusal a problem+json example of its own code', () => {
    for (const { path, method, operation } of operations()) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) < 400) continue;
        const examples = Object.values(
          response.content?.['application/problem+json']?.examples ?? {},
        ) as { value: { code: string; status: number } }[];
        expect({ path, method, status, count: examples.length > 0 }).toEqual({
          path,
          method,
          status,
          count: true,
        });
        for (const example of examples) expect(example.value.status).toBe(Number(status));
      }
    }
  });
});
