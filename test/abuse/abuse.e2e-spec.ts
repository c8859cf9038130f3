import { createSecretKey } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '@shiming/common';
import { SignJWT } from 'jose';
import request, { type Response, type Test as HttpTest } from 'supertest';
import { manualReviewCase } from '../support/cases';
import { DatabaseSnapshots, type Snapshot } from '../support/database-snapshot';
import { png, Sandbox } from '../support/journey';

// Abuse of every route, driven by the OpenAPI document the api serves: every route is
// called by every kind of caller, and by the caller it admits with a corpus of bad
// bodies, queries and paths. Whatever comes back:
//   - never a 5xx;
//   - a refusal is application/problem+json with a code the document declares for that
//     route and status;
//   - a refusal writes nothing.
// How "writes nothing" is checked: the fixtures are made with the worker running, then
// the api is replaced by one without the worker (Sandbox.stopWorker), so nothing writes
// in the background; before and after each request a snapshot holds the row count and
// a checksum of the rows of every table, and the files of the documents directory. A
// refusal must leave the two equal. (Answers that succeed may write: a claim, an audited
// document view; the next request's snapshot starts from there.)

type Method = 'get' | 'post' | 'put' | 'delete' | 'patch';
type Schema = { $ref?: string; type?: string; properties?: Record<string, Schema>; items?: Schema };
interface Operation {
  security?: unknown[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses: Record<
    string,
    { content?: Record<string, { examples?: Record<string, { value: { code: string } }> }> }
  >;
}
interface Route {
  path: string;
  method: Method;
  operation: Operation;
  multipart: boolean;
  /** Codes the document declares, by status. */
  declared: Map<number, Set<string>>;
  /** The properties of its JSON body. */
  fields: Record<string, Schema>;
}
type Caller = { name: string; authorization?: string };

/** A request to make of a route: what it sends besides the method and path. */
interface Probe {
  name: string;
  path?: string;
  query?: string;
  send?: (test: HttpTest) => HttpTest;
}

describe('abuse of every route', () => {
  let sandbox: Sandbox;
  let snapshots: DatabaseSnapshots;
  let routes: Route[];
  let callers: Caller[];
  let values: Record<string, string>;
  const failures: string[] = [];
  const exercised = new Map<string, Set<string>>();

  beforeAll(async () => {
    sandbox = await Sandbox.start();
    const { account: holder, caseId } = await manualReviewCase(sandbox);
    const other = await sandbox.account();
    await other.start();
    const supervisor = await sandbox.staff(['supervisor']);
    const seen = await supervisor.caseOf(caseId);
    const documentId = (seen.documents as { id: string }[])[0].id;
    const config = sandbox.app.get<AppConfig>(APP_CONFIG);
    const bearer = (token: string) => `Bearer ${token}`;
    callers = [
      { name: 'no token' },
      { name: 'malformed token', authorization: 'Bearer not.a.jwt' },
      {
        name: 'expired token',
        authorization: bearer(await expiredToken(config, holder.accountId)),
      },
      { name: 'account holder', authorization: bearer(holder.token) },
      { name: 'another account holder', authorization: bearer(other.token) },
      { name: 'reviewer', authorization: bearer(await sandbox.token('rev-abuse', ['reviewer'])) },
      { name: 'support', authorization: bearer(await sandbox.token('sup-abuse', ['support'])) },
      { name: 'supervisor', authorization: bearer(supervisor.token) },
      { name: 'service', authorization: bearer(await sandbox.token('payments', ['service'])) },
    ];
    values = { caseId, documentId, accountId: holder.accountId };
    await sandbox.stopWorker();
    const document = (await sandbox.http.get('/docs-json').expect(200)).body;
    routes = routesOf(document);
    snapshots = await DatabaseSnapshots.open(sandbox.db.url, [sandbox.documentsDirectory]);
  }, 120_000);

  afterAll(async () => {
    await snapshots?.close();
    await sandbox?.stop();
  });

  /** Sends one probe and records every rule it breaks. */
  async function probe(route: Route, caller: Caller, probe: Probe): Promise<Response> {
    const path = probe.path ?? fill(route.path, values);
    const url = probe.query ? `${path}?${probe.query}` : path;
    let test: HttpTest = request(sandbox.app.getHttpServer())[route.method](url);
    if (caller.authorization) test = test.set('Authorization', caller.authorization);
    if (probe.send) test = probe.send(test);
    const before = await snapshots.take();
    const response = await test;
    const label = `${route.method.toUpperCase()} ${route.path} as ${caller.name}, ${probe.name}: ${response.status}`;
    const key = `${route.method} ${route.path}`;
    exercised.set(key, (exercised.get(key) ?? new Set()).add(caller.name));
    if (response.status >= 500) failures.push(`${label} (a 5xx) ${response.text.slice(0, 200)}`);
    if (response.status >= 400) {
      checkRefusal(route, response, label);
      await checkNothingWritten(before, label);
    }
    return response;
  }

  function checkRefusal(route: Route, response: Response, label: string): void {
    if (!/^application\/problem\+json/.test(response.headers['content-type'] ?? '')) {
      failures.push(`${label} is not problem+json (${response.headers['content-type']})`);
      return;
    }
    const code = (JSON.parse(response.text) as { code?: string }).code ?? '(none)';
    if (!route.declared.get(response.status)?.has(code)) {
      failures.push(`${label} answers ${code}, which the document does not declare for it`);
    }
  }

  async function checkNothingWritten(before: Snapshot, label: string) {
    const changed = DatabaseSnapshots.changed(before, await snapshots.take());
    if (changed.length > 0) failures.push(`${label} wrote to ${changed.join(', ')}`);
  }

  it('finds the routes of the document', () => {
    expect(routes.length).toBeGreaterThan(35);
  });

  it('holds to the rules for every route and every kind of caller', async () => {
    for (const route of routes) {
      const secured = (route.operation.security?.length ?? 0) > 0;
      for (const caller of callers) {
        const response = await probe(route, caller, neutral(route));
        // The document's security says the truth: a token is needed exactly where it says.
        if (secured && caller.authorization === undefined && response.status !== 401) {
          failures.push(`${route.method} ${route.path} without a token: ${response.status}`);
        }
        if (!secured && response.status === 401) {
          failures.push(`${route.method} ${route.path} is public in the document but answers 401`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it('holds to the rules for bad bodies, queries and paths from the caller each route admits', async () => {
    for (const route of routes) {
      const caller = await admittedCaller(route);
      for (const bad of corpus(route)) await probe(route, caller, bad);
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it('exercised every route with every kind of caller', () => {
    for (const route of routes) {
      expect([
        `${route.method} ${route.path}`,
        exercised.get(`${route.method} ${route.path}`)?.size,
      ]).toEqual([`${route.method} ${route.path}`, callers.length]);
    }
  });

  /** The first caller whose plain request is not refused for who it is. */
  async function admittedCaller(route: Route): Promise<Caller> {
    for (const name of ['no token', 'account holder', 'supervisor', 'service']) {
      const caller = callers.find((c) => c.name === name) as Caller;
      const response = await probe(route, caller, neutral(route));
      if (response.status !== 401 && response.status !== 403) return caller;
    }
    throw new Error(`No caller is admitted to ${route.method} ${route.path}`);
  }
});

// ── the document ─────────────────────────────────────────────────────────────────────

function routesOf(document: {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}): Route[] {
  const resolve = (schema: Schema | undefined): Schema | undefined =>
    schema?.$ref ? document.components.schemas[schema.$ref.split('/').pop() as string] : schema;
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => {
      const declared = new Map<number, Set<string>>();
      for (const [status, response] of Object.entries(operation.responses)) {
        const examples = response.content?.['application/problem+json']?.examples ?? {};
        declared.set(Number(status), new Set(Object.values(examples).map((e) => e.value.code)));
      }
      const content = Object.keys(operation.requestBody?.content ?? {});
      return {
        path,
        method: method as Method,
        operation,
        multipart: content.some((type) => type.startsWith('multipart/')),
        declared,
        fields:
          resolve(operation.requestBody?.content?.['application/json']?.schema)?.properties ?? {},
      };
    }),
  );
}

function fill(path: string, values: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? 'x'));
}

// ── what is sent ─────────────────────────────────────────────────────────────────────

const takesBody = (route: Route) => ['post', 'put', 'patch'].includes(route.method);

/** The plainest request: an empty JSON object to a route that takes a body. */
function neutral(route: Route): Probe {
  if (!takesBody(route) || route.multipart) return { name: 'no body' };
  return { name: 'empty object', send: (test) => test.send({}) };
}

function json(name: string, body: unknown): Probe {
  return { name, send: (test) => test.send(body as object) };
}

function raw(name: string, type: string, body: string | Buffer): Probe {
  return { name, send: (test) => test.set('Content-Type', type).send(body) };
}

function wrongValue(schema: Schema): unknown {
  switch (schema.type) {
    case 'string':
      return 12345;
    case 'number':
    case 'integer':
      return 'twelve';
    case 'boolean':
      return 'yes';
    case 'array':
      return { not: 'a list' };
    default:
      return ['not', 'an', 'object'];
  }
}

function deep(levels: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

function corpus(route: Route): Probe[] {
  const probes: Probe[] = [];
  // Paths: only routes with parameters have any to abuse.
  if (/\{\w+\}/.test(route.path)) {
    for (const [name, value] of [
      ['a NUL in the path', 'a%00b'],
      ['a broken percent-encoding in the path', 'a%E0%A4%A'],
      ['an encoded lone surrogate in the path', 'a%ED%A0%80b'],
      ['a very long path parameter', 'x'.repeat(4000)],
      ['a non-ASCII path parameter', encodeURIComponent('案件-🙂')],
    ]) {
      probes.push({ name, path: route.path.replace(/\{\w+\}/g, value) });
    }
  }
  // Queries, on every route: unknown, NUL, huge, wrong types.
  probes.push(
    { name: 'an unknown query parameter', query: 'unexpected=1' },
    { name: 'a NUL in a query value', query: 'cursor=a%00b&mobile=1%00&cardNumber=%00' },
    { name: 'a huge query value', query: `cursor=${'q'.repeat(6000)}` },
    { name: 'wrong types in the query', query: 'limit=lots&afterVersion=x&waitSeconds=-1&kind=7' },
  );
  if (!takesBody(route)) return probes;
  if (route.multipart) {
    const boundary = 'AbuseBoundary';
    return [
      ...probes,
      json('JSON to an upload route', { certificates: [] }),
      raw('plain text to an upload route', 'text/plain', 'certificates'),
      raw(
        'a truncated multipart body',
        `multipart/form-data; boundary=${boundary}`,
        `--${boundary}\r\nContent-Disposition: form-data; name="certificates"; filename="a.png"\r\nContent-Type: image/png\r\n\r\nabc`,
      ),
      raw('a multipart body without a boundary', 'multipart/form-data', 'no boundary here'),
      {
        name: 'a file in an unknown field',
        send: (test) => test.attach('passport', png(1024).bytes, 'p.png'),
      },
      {
        name: 'a text field',
        send: (test) =>
          test.field('note', 'hello').attach('certificates', png(1024).bytes, 'a.png'),
      },
      {
        name: 'too many files',
        send: (test) => {
          let t = test;
          for (let i = 0; i < 12; i++) t = t.attach('certificates', png(1024).bytes, `c${i}.png`);
          return t;
        },
      },
      {
        name: 'a file over the size limit',
        send: (test) => test.attach('certificates', png(6 * 1024 * 1024).bytes, 'big.png'),
      },
      {
        name: 'a file that is no image',
        send: (test) =>
          test
            .attach('certificates', Buffer.from('not an image at all'), 'a.png')
            .attach('certificates', Buffer.from('<script>alert(1)</script>'), 'b.pdf'),
      },
      {
        // Good files, at a step the account is not at (its manual review is pending).
        name: 'images the step does not take now',
        send: (test) =>
          route.path.endsWith('id-documents')
            ? test.attach('front', png().bytes, 'f.png').attach('back', png().bytes, 'b.png')
            : test
                .attach('certificates', png().bytes, 'a.png')
                .attach('certificates', png().bytes, 'b.png'),
      },
      {
        name: 'a NUL in a file name',
        send: (test) =>
          test
            .attach('certificates', png(1024).bytes, 'a\u0000.png')
            .attach('front', png(1024).bytes, 'f.png'),
      },
    ];
  }
  const fields = Object.keys(route.fields);
  const each = (value: unknown) => Object.fromEntries(fields.map((field) => [field, value]));
  const names = fields.length > 0 ? fields : ['name'];
  return [
    ...probes,
    json('missing fields', {}),
    json('an extra field', { unexpected: true }),
    json(
      'wrong types',
      Object.fromEntries(names.map((f) => [f, wrongValue(route.fields[f] ?? {})])),
    ),
    json('nulls', each(null)),
    json('a NUL in every text field', Object.fromEntries(names.map((f) => [f, 'a\u0000b']))),
    json(
      'a lone surrogate in every text field',
      Object.fromEntries(names.map((f) => [f, 'a\ud800b'])),
    ),
    json('a NUL in a property name', { 'na\u0000me': 'x' }),
    json(
      'a long value under the size limit',
      Object.fromEntries(names.map((f) => [f, 'x'.repeat(20_000)])),
    ),
    json('a value over the size limit', { [names[0]]: 'x'.repeat(100_000) }),
    json('deep nesting', { [names[0]]: deep(200) }),
    json('an array for a body', [{ [names[0]]: 'x' }, 1]),
    json('objects for every field', each({ $gt: '' })),
    json(
      'a prototype key',
      JSON.parse('{"__proto__": {"admin": true}, "constructor": {"prototype": {}}}'),
    ),
    raw('malformed JSON', 'application/json', '{"a": '),
    raw('a JSON string', 'application/json', '"just a string"'),
    raw(
      'invalid UTF-8 bytes',
      'application/json',
      Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    ),
    raw('an unknown charset', 'application/json; charset=klingon', '{}'),
    raw('a UTF-16 body', 'application/json; charset=utf-16le', Buffer.from('{}', 'utf16le')),
    raw('plain text', 'text/plain', 'hello'),
    raw('a form', 'application/x-www-form-urlencoded', 'a=1&b=2'),
    raw('XML', 'application/xml', '<a>1</a>'),
    {
      name: 'a compressed body',
      send: (test) =>
        test
          .set('Content-Type', 'application/json')
          .set('Content-Encoding', 'gzip')
          .send(Buffer.from([0x1f, 0x8b, 0x08, 0x00])),
    },
    {
      name: 'multipart to a JSON route',
      send: (test) => test.field('a', 'b'),
    },
  ];
}

async function expiredToken(config: AppConfig, sub: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ roles: ['user'] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuer(config.auth.issuer)
    .setAudience(config.auth.audience)
    .setIssuedAt(now - 7200)
    .setExpirationTime(now - 3600)
    .sign(createSecretKey(Buffer.from(config.auth.jwtSecret as string, 'utf8')));
}
