import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { AppModule } from '../apps/api/src/app.module';
import { WEB_APP_ROOT } from '../apps/api/src/backoffice-web/backoffice-web.module';
import { apiOf, startApi, testConfig } from './support/app';
import { createTestDatabase, reachableRedisUrl, TestDatabase } from './support/test-database';
import { ensureWebAppBuilt } from './support/web-app';

const PROBLEM = /^application\/problem\+json/;
// The queue dashboard shows BullMQ's queues: without Redis it is off (a 404, see below).
const withDashboard = reachableRedisUrl() ? it : it.skip;
const withoutDashboard = reachableRedisUrl() ? it.skip : it;

async function token(app: INestApplication, sub: string, roles: string[]): Promise<string> {
  const response = await request(app.getHttpServer())
    .post('/v1/sandbox/tokens')
    .send({ sub, roles })
    .expect(201);
  return response.body.token as string;
}

function adminCookieOf(response: request.Response): string {
  const cookies = ([] as string[]).concat(response.headers['set-cookie'] ?? []);
  const cookie = cookies.find((line) => line.startsWith('shiming_admin='));
  if (!cookie) throw new Error(`No admin cookie in ${JSON.stringify(cookies)}`);
  return cookie;
}

describe('the back-office web app and the queue dashboard', () => {
  let db: TestDatabase;
  let app: INestApplication;

  beforeAll(async () => {
    ensureWebAppBuilt();
    db = await createTestDatabase();
    app = await startApi(testConfig(db.url));
  }, 240_000);

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('serves the web app’s page at /backoffice', async () => {
    const response = await request(app.getHttpServer()).get('/backoffice').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.text).toContain('<div id="root"></div>');
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('serves the same page for a deep link, so the app can route it', async () => {
    const response = await request(app.getHttpServer())
      .get('/backoffice/cases/6b0c2f1e-0000-4000-8000-000000000001')
      .expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.text).toContain('<div id="root"></div>');
  });

  it('serves the built assets the page names, cached for good', async () => {
    const page = await request(app.getHttpServer()).get('/backoffice/').expect(200);
    const script = /src="(\/backoffice\/assets\/[^"]+\.js)"/.exec(page.text)?.[1];
    expect(script).toBeDefined();
    const response = await request(app.getHttpServer())
      .get(script as string)
      .expect(200);
    expect(response.headers['content-type']).toMatch(/javascript/);
    expect(response.headers['cache-control']).toContain('immutable');
  });

  it('answers a missing asset with a problem+json 404, not the page', async () => {
    const response = await request(app.getHttpServer())
      .get('/backoffice/assets/no-such-file.js')
      .expect(404);
    expect(response.headers['content-type']).toMatch(PROBLEM);
  });

  it('leaves /v1, /health and /docs to the api', async () => {
    const api = await request(app.getHttpServer()).get('/v1/backoffice/cases');
    expect(api.headers['content-type']).toMatch(PROBLEM);
    await request(app.getHttpServer()).get('/health/live').expect(200);
    const docs = await request(app.getHttpServer()).get('/docs-json').expect(200);
    expect(Object.keys(docs.body.paths)).toContain('/v1/backoffice/session');
  });

  withDashboard('refuses the queue dashboard without a token', async () => {
    const response = await request(app.getHttpServer()).get('/admin/queues').expect(401);
    expect(response.headers['content-type']).toMatch(PROBLEM);
    expect(JSON.parse(response.text)).toMatchObject({ status: 401, code: 'unauthenticated' });
    expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  withDashboard('refuses the queue dashboard to a reviewer, by header or by cookie', async () => {
    const reviewer = await token(app, 'rev-web-1', ['reviewer']);
    const byHeader = await request(app.getHttpServer())
      .get('/admin/queues')
      .set('Authorization', `Bearer ${reviewer}`)
      .expect(403);
    expect(JSON.parse(byHeader.text)).toMatchObject({ status: 403, code: 'forbidden' });

    const session = await request(app.getHttpServer())
      .post('/v1/backoffice/session')
      .set('Authorization', `Bearer ${reviewer}`)
      .expect(204);
    await request(app.getHttpServer())
      .get('/admin/queues')
      .set('Cookie', adminCookieOf(session).split(';')[0])
      .expect(403);
  });

  withDashboard('refuses a forged cookie', async () => {
    const response = await request(app.getHttpServer())
      .get('/admin/queues')
      .set('Cookie', 'shiming_admin=not.a.token')
      .expect(401);
    expect(JSON.parse(response.text)).toMatchObject({ code: 'unauthenticated' });
  });

  withDashboard('opens the queue dashboard to a supervisor with the session cookie', async () => {
    const supervisor = await token(app, 'sup-web-1', ['supervisor']);
    const session = await request(app.getHttpServer())
      .post('/v1/backoffice/session')
      .set('Authorization', `Bearer ${supervisor}`)
      .expect(204);
    const cookie = adminCookieOf(session);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\/admin(;|$)/);
    expect(cookie).toMatch(/Expires=/);

    const page = await request(app.getHttpServer())
      .get('/admin/queues')
      .set('Cookie', cookie.split(';')[0])
      .expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);

    const queues = await request(app.getHttpServer())
      .get('/admin/queues/api/queues')
      .set('Cookie', cookie.split(';')[0])
      .expect(200);
    const names = (queues.body.queues as { name: string }[]).map((queue) => queue.name);
    expect(names).toContain('timers');
  });

  withoutDashboard('has no queue dashboard without Redis', async () => {
    const response = await request(app.getHttpServer()).get('/admin/queues').expect(404);
    expect(response.headers['content-type']).toMatch(PROBLEM);
  });

  it('needs a staff token to open a session, and clears the cookie on DELETE', async () => {
    await request(app.getHttpServer()).post('/v1/backoffice/session').expect(401);
    const user = await token(app, 'acct-web-1', ['user']);
    await request(app.getHttpServer())
      .post('/v1/backoffice/session')
      .set('Authorization', `Bearer ${user}`)
      .expect(403);
    const cleared = await request(app.getHttpServer()).delete('/v1/backoffice/session').expect(204);
    expect(adminCookieOf(cleared)).toMatch(/Expires=Thu, 01 Jan 1970/);
  });
});

describe('the back-office web app before it is built', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let emptyRoot: string;

  beforeAll(async () => {
    emptyRoot = mkdtempSync(join(tmpdir(), 'shiming-no-web-'));
    db = await createTestDatabase();
    const moduleRef = await Test.createTestingModule({
      imports: [AppModule.forRoot(testConfig(db.url))],
    })
      .overrideProvider(WEB_APP_ROOT)
      .useValue(emptyRoot)
      .compile();
    app = await apiOf(moduleRef, testConfig(db.url));
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
    rmSync(emptyRoot, { recursive: true, force: true });
  });

  it('answers 503 saying how to build it, for the page and deep links', async () => {
    for (const path of ['/backoffice', '/backoffice/cases/abc']) {
      const response = await request(app.getHttpServer()).get(path).expect(503);
      expect(response.headers['content-type']).toMatch(PROBLEM);
      expect(JSON.parse(response.text)).toMatchObject({
        status: 503,
        code: 'web_app_not_built',
        detail: expect.stringContaining('npm run build:web'),
      });
    }
  });

  it('keeps the api answering', async () => {
    await request(app.getHttpServer()).get('/health/live').expect(200);
  });
});
