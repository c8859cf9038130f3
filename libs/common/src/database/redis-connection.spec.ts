import { redisConnectionOptions } from './redis-connection';

describe('redisConnectionOptions', () => {
  it('reads host, port and database from a plain URL', () => {
    expect(redisConnectionOptions('redis://127.0.0.1:6379')).toMatchObject({
      host: '127.0.0.1',
      port: 6379,
      db: 0,
      tls: undefined,
      maxRetriesPerRequest: null,
    });
    expect(redisConnectionOptions('redis://cache/3')).toMatchObject({ port: 6379, db: 3 });
  });

  it('keeps credentials, decoded, and turns TLS on for rediss://', () => {
    expect(redisConnectionOptions('rediss://worker:p%40ss@cache.internal:6380')).toMatchObject({
      host: 'cache.internal',
      port: 6380,
      username: 'worker',
      password: 'p@ss',
      tls: {},
    });
  });

  it('unwraps an IPv6 host', () => {
    expect(redisConnectionOptions('redis://[::1]:6379').host).toBe('::1');
  });
});
