import { gzipSync } from 'node:zlib';
import type { Test as HttpTest } from 'supertest';
import { DatabaseSnapshots } from '../support/database-snapshot';
import { newIdNumber, png, Sandbox, type Account, type Staff } from '../support/journey';

// Input the API must refuse at its edge, before anything runs: every case is a 4xx
// problem with a stable code, and nothing is written (database rows or document files).

describe('bad input at the HTTP edge', () => {
  let sandbox: Sandbox;
  let snapshots: DatabaseSnapshots;
  let account: Account;
  let reviewer: Staff;
  let service: string;

  beforeAll(async () => {
    sandbox = await Sandbox.start();
    account = await sandbox.account();
    await account.start();
    // A mismatch: the account may file a manual review, so an upload that were let
    // through would be stored and answered 202.
    expect((await account.submitIdentity(newIdNumber('999'))).state).toBe('identity_mismatch');
    reviewer = await sandbox.staff(['supervisor']);
    service = await sandbox.token('payments', ['service']);
    await sandbox.stopWorker();
    snapshots = await DatabaseSnapshots.open(sandbox.db.url, [sandbox.documentsDirectory]);
  });

  afterAll(async () => {
    await snapshots?.close();
    await sandbox?.stop();
  });

  const user = () => `Bearer ${account.token}`;

  /** Sends the request and checks the refusal and that nothing was written. */
  async function refused(test: HttpTest, status: number, code: string) {
    const before = await snapshots.take();
    const response = await test;
    expect({ status: response.status, code: bodyOf(response.text).code }).toEqual({
      status,
      code,
    });
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(DatabaseSnapshots.changed(before, await snapshots.take())).toEqual([]);
    return bodyOf(response.text);
  }

  describe('JSON bodies', () => {
    it('answers a body over the size limit with 413 payload_too_large', async () => {
      const huge = { region: 'x'.repeat(200_000) };
      await refused(
        sandbox.http.post('/v1/verification').set('Authorization', user()).send(huge),
        413,
        'payload_too_large',
      );
    });

    it('answers an unknown charset with 415 unsupported_media_type', async () => {
      await refused(
        sandbox.http
          .post('/v1/verification')
          .set('Authorization', user())
          .set('Content-Type', 'application/json; charset=foo')
          .send('{"region":"mainland"}'),
        415,
        'unsupported_media_type',
      );
    });

    it('answers a compressed body with 415 unsupported_media_type', async () => {
      await refused(
        sandbox.http
          .post('/v1/verification')
          .set('Authorization', user())
          .set('Content-Type', 'application/json')
          .set('Content-Encoding', 'gzip')
          .send(gzipSync('{"region":"mainland"}')),
        415,
        'unsupported_media_type',
      );
      await refused(
        sandbox.http
          .post('/v1/verification')
          .set('Authorization', user())
          .set('Content-Type', 'application/json')
          .set('Content-Encoding', 'br')
          .send('not brotli'),
        415,
        'unsupported_media_type',
      );
    });

    it.each([
      ['text/plain', 'region=mainland'],
      ['application/x-www-form-urlencoded', 'region=mainland'],
      ['application/xml', '<region>mainland</region>'],
    ])('answers a %s body on a JSON route with 415', async (type, body) => {
      await refused(
        sandbox.http
          .post('/v1/verification')
          .set('Authorization', user())
          .set('Content-Type', type)
          .send(body),
        415,
        'unsupported_media_type',
      );
    });

    it('answers a multipart body on a JSON route with 415', async () => {
      await refused(
        sandbox.http
          .post('/v1/verification')
          .set('Authorization', user())
          .field('region', 'mainland'),
        415,
        'unsupported_media_type',
      );
    });

    it('answers malformed JSON with 422 malformed_json', async () => {
      for (const text of ['{"region": ', '{region: "mainland"}', '"mainland"', '[1,]']) {
        await refused(
          sandbox.http
            .post('/v1/verification')
            .set('Authorization', user())
            .set('Content-Type', 'application/json')
            .send(text),
          422,
          'malformed_json',
        );
      }
    });

    it('answers deeply nested JSON with 422 invalid_input, arrays and objects alike', async () => {
      const arrays = '['.repeat(5000) + ']'.repeat(5000);
      let objects = '1';
      for (let i = 0; i < 3000; i++) objects = `{"a":${objects}}`;
      for (const text of [arrays, `{"region":${objects}}`]) {
        const problem = await refused(
          sandbox.http
            .post('/v1/verification')
            .set('Authorization', user())
            .set('Content-Type', 'application/json')
            .send(text),
          422,
          'invalid_input',
        );
        expect(problem.errors).toEqual([
          expect.objectContaining({ code: 'too_deeply_nested', field: expect.any(String) }),
        ]);
      }
    });

    it.each([
      ['a NUL', '张\u0000三'],
      ['a lone high surrogate', '张\ud800三'],
      ['a lone low surrogate', '张\udc00'],
    ])('answers %s in a text field with 422 invalid_input naming the field', async (_, name) => {
      const problem = await refused(
        sandbox.http
          .post('/v1/verification/identity')
          .set('Authorization', user())
          .send({ name, idNumber: newIdNumber(), paymentPassword: '135790' }),
        422,
        'invalid_input',
      );
      expect(problem.errors).toEqual([expect.objectContaining({ field: 'name' })]);
      expect(JSON.stringify(problem)).not.toContain('张');
    });

    it('answers a NUL in a property name or a nested value with 422 invalid_input', async () => {
      await refused(
        sandbox.http
          .post('/v1/limits/authorize')
          .set('Authorization', `Bearer ${service}`)
          .send({ 'accountId\u0000': 'a' }),
        422,
        'invalid_input',
      );
      await refused(
        sandbox.http.post('/v1/sandbox/tokens').send({ sub: 'acct-1', roles: ['user\u0000'] }),
        422,
        'invalid_input',
      );
    });

    it('does not mint a sandbox token whose subject has a NUL', async () => {
      await refused(
        sandbox.http.post('/v1/sandbox/tokens').send({ sub: 'a\u0000b', roles: ['user'] }),
        422,
        'invalid_input',
      );
    });
  });

  it('asks for a token before it looks at the input', async () => {
    await refused(
      sandbox.http.post('/v1/verification/identity').send({ name: '\u0000' }),
      401,
      'unauthenticated',
    );
    await refused(
      sandbox.http
        .post('/v1/verification')
        .set('Content-Type', 'text/plain')
        .send('region=mainland'),
      415,
      'unsupported_media_type',
    );
  });

  describe('path and query parameters', () => {
    it.each([
      '/v1/limits/accounts/a%00b',
      '/v1/limits/accounts/a%ED%A0%80b',
      '/v1/limits/accounts/a%E0%A4%A',
    ])('answers %s with 422 invalid_input', async (path) => {
      await refused(
        sandbox.http.get(path).set('Authorization', `Bearer ${service}`),
        422,
        'invalid_input',
      );
    });

    it('answers a NUL in a case id with 422, for reads and for steps', async () => {
      const staff = `Bearer ${reviewer.token}`;
      await refused(
        sandbox.http.get('/v1/backoffice/cases/a%00b').set('Authorization', staff),
        422,
        'invalid_input',
      );
      await refused(
        sandbox.http.post('/v1/backoffice/cases/a%00b/claim').set('Authorization', staff).send({}),
        422,
        'invalid_input',
      );
    });

    it('answers a NUL in a sandbox path with 422 rather than a database error', async () => {
      await refused(
        sandbox.http
          .put('/v1/sandbox/accounts/a%00b/bound-card')
          .send({ cardNumber: '6222021234567890128', mobile: '13800138000' }),
        422,
        'invalid_input',
      );
    });

    it('answers a NUL in a query parameter with 422 invalid_input', async () => {
      const problem = await refused(
        sandbox.http
          .get('/v1/backoffice/cases?cursor=a%00b')
          .set('Authorization', `Bearer ${reviewer.token}`),
        422,
        'invalid_input',
      );
      expect(problem.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
    });
  });

  describe('uploads', () => {
    const upload = () =>
      sandbox.http.post('/v1/verification/manual-review').set('Authorization', user());

    it('answers JSON on an upload route with 415', async () => {
      await refused(upload().send({ certificates: [] }), 415, 'unsupported_media_type');
    });

    it('answers more files than the route takes with 422 unexpected_file', async () => {
      let test = upload();
      for (let i = 0; i < 11; i++) test = test.attach('certificates', png(1024).bytes, `c${i}.png`);
      await refused(test, 422, 'unexpected_file');
    });

    it('answers a file in a field the route does not take with 422 unexpected_file', async () => {
      const problem = await refused(
        upload()
          .attach('certificates', png().bytes, 'a.png')
          .attach('passport', png().bytes, 'b.png'),
        422,
        'unexpected_file',
      );
      expect(problem.field).toBe('passport');
    });

    it('answers a text field beside the files with 422 unexpected_field', async () => {
      await refused(
        upload()
          .field('note', 'hello')
          .attach('certificates', png().bytes, 'a.png')
          .attach('certificates', png().bytes, 'b.png'),
        422,
        'unexpected_field',
      );
    });

    it('answers a file over the limit with 422 file_too_large', async () => {
      await refused(
        upload()
          .attach('certificates', png(11 * 1024 * 1024).bytes, 'a.png')
          .attach('certificates', png().bytes, 'b.png'),
        422,
        'file_too_large',
      );
    });

    it('answers a truncated or boundless multipart body with 422 malformed_multipart', async () => {
      const truncated =
        '--XX\r\nContent-Disposition: form-data; name="certificates"; filename="a.png"\r\n' +
        'Content-Type: image/png\r\n\r\nabc';
      await refused(
        upload().set('Content-Type', 'multipart/form-data; boundary=XX').send(truncated),
        422,
        'malformed_multipart',
      );
      await refused(
        upload().set('Content-Type', 'multipart/form-data').send('no boundary'),
        422,
        'malformed_multipart',
      );
    });

    it('still takes a good upload afterwards', async () => {
      const response = await upload()
        .attach('certificates', png().bytes, 'a.png')
        .attach('certificates', png().bytes, 'b.png');
      expect(response.status).toBe(202);
    });
  });
});

function bodyOf(text: string): Record<string, unknown> & { code?: string; errors?: unknown } {
  try {
    return JSON.parse(text);
  } catch {
    return { unparsable: text };
  }
}
