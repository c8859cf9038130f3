import { Metrics } from './metrics';
import { startInternalServer, type InternalServer } from './internal-server';

describe('the internal listener', () => {
  const token = 'scrape-token-0123456789';
  let server: InternalServer;

  beforeAll(async () => {
    server = await startInternalServer({
      port: 0,
      host: '127.0.0.1',
      metrics: new Metrics(),
      metricsToken: token,
      health: {
        live: () => Promise.resolve({ ok: true, body: { status: 'ok' } }),
        ready: () => Promise.resolve({ ok: true, body: { status: 'ok' } }),
      },
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  const get = (path: string, authorization?: string) =>
    fetch(`http://127.0.0.1:${server.port}${path}`, {
      headers: authorization ? { authorization } : {},
    });

  it('answers /metrics to the bearer of the token only', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token', `Basic ${token}`, token]) {
      const refused = await get('/metrics', authorization);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      expect(await refused.text()).toBe('');
    }
    const scraped = await get('/metrics', `Bearer ${token}`);
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('# TYPE shiming_');
  });

  it('keeps the probes open to the orchestrator, which has no token', async () => {
    expect((await get('/health/live')).status).toBe(200);
    expect((await get('/health/ready')).status).toBe(200);
  });
});
