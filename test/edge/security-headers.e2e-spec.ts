import { manualReviewCase } from '../support/cases';
import { Sandbox, type Staff } from '../support/journey';
import { reachableRedisUrl } from '../support/test-database';

// The headers that tell browsers and caches how to treat our answers: helmet's on
// everything, a Content-Security-Policy fitting each kind of answer, and personal data
// (unmasked values, documents) kept out of caches and never shown inline.

describe('security headers', () => {
  let sandbox: Sandbox;
  let reviewer: Staff;
  let caseId: string;

  beforeAll(async () => {
    sandbox = await Sandbox.start();
    ({ caseId } = await manualReviewCase(sandbox));
    reviewer = await sandbox.staff(['supervisor']);
    await reviewer.caseOf(caseId);
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  function expectHelmet(headers: Record<string, string>) {
    expect(headers['x-powered-by']).toBeUndefined();
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(headers['cross-origin-opener-policy']).toBe('same-origin');
  }

  it('answers the API, successes and problems alike, as data nothing may run in', async () => {
    for (const response of [
      await reviewer.get('/v1/backoffice/metrics').expect(200),
      await sandbox.http.get('/v1/verification').expect(401),
      await sandbox.http.get('/no/such/route').expect(404),
      await sandbox.http.get('/health/live').expect(200),
    ]) {
      expectHelmet(response.headers);
      expect(response.headers['content-security-policy']).toBe(
        "default-src 'none';frame-ancestors 'none'",
      );
    }
  });

  it('lets the OpenAPI UI load its own scripts and nothing else', async () => {
    const response = await sandbox.http.get('/docs/').expect(200);
    expectHelmet(response.headers);
    const policy = response.headers['content-security-policy'];
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toMatch(/script-src[^;]*unsafe/);
  });

  // The dashboard shows BullMQ's queues: there is none without Redis.
  (reachableRedisUrl() ? it : it.skip)(
    'gives the queue dashboard the same page policy',
    async () => {
      const response = await sandbox.http
        .get('/admin/queues')
        .set('Authorization', `Bearer ${reviewer.token}`)
        .expect(200);
      expectHelmet(response.headers);
      expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    },
  );

  it('leaves the web app its own policy', async () => {
    const response = await sandbox.http.get('/backoffice/');
    expect(response.headers['x-powered-by']).toBeUndefined();
    if (response.status === 200) {
      expect(response.headers['content-security-policy']).toContain('blob:');
    }
  });

  it('keeps an unmasked value out of every cache', async () => {
    const response = await reviewer
      .post(`/v1/backoffice/cases/${caseId}/reveal`, {
        field: 'idNumber',
        justification: 'Comparing the number with the certificate photo.',
      })
      .expect(200);
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('serves a document as a sandboxed download, never cached or sniffed', async () => {
    const seen = await reviewer.caseOf(caseId);
    const [doc] = seen.documents as { id: string }[];
    const response = await reviewer
      .get(`/v1/backoffice/cases/${caseId}/documents/${doc.id}`)
      .buffer(true)
      .expect(200);
    expect(response.headers['content-type']).toBe('image/png');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="[\w-]+\.png"$/);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toBe("sandbox; default-src 'none'");
    expect(response.headers['cache-control']).toBe('no-store');
  });
});
