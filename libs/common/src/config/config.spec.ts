import { ConfigError, loadConfig, redactUrl } from './config';

describe('loadConfig', () => {
  it('uses the documented defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      env: 'development',
      port: 3000,
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/shiming',
      redisUrl: 'redis://127.0.0.1:6379',
      sandbox: true,
      logLevel: 'info',
      queuePrefix: 'shiming',
      dbPoolSize: 20,
      subscriptions: { batchSize: 500, idlePollMs: 200 },
      timers: { reconcileIntervalMs: 15_000, lookaheadMs: 600_000, concurrency: 16 },
      commands: { maxRetries: 5 },
    });
  });

  it('reads and converts the variables it is given', () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: '8080',
      DATABASE_URL: 'postgresql://app:secret@db:5432/kyc',
      REDIS_URL: 'rediss://cache:6380/2',
      LOG_LEVEL: 'debug',
      QUEUE_PREFIX: 'kyc:eu-1',
      DB_POOL_SIZE: '5',
      TIMER_WORKER_CONCURRENCY: '4',
    });
    expect(config).toMatchObject({
      env: 'test',
      port: 8080,
      databaseUrl: 'postgresql://app:secret@db:5432/kyc',
      redisUrl: 'rediss://cache:6380/2',
      logLevel: 'debug',
      queuePrefix: 'kyc:eu-1',
      dbPoolSize: 5,
      timers: { concurrency: 4 },
    });
  });

  it('names a bad DATABASE_URL in the message', () => {
    expect(() => loadConfig({ DATABASE_URL: 'nope' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_URL: 'nope' })).toThrow(/DATABASE_URL/);
  });

  it('refuses a database URL of another scheme', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://root@127.0.0.1/shiming' })).toThrow(
      /DATABASE_URL: must be a URL starting with postgres:\/\/ or postgresql:\/\//,
    );
  });

  it('lists every bad variable, one problem per line', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: '70000', REDIS_URL: 'http://cache', LOG_LEVEL: 'loud' });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, message } = error as ConfigError;
    expect(problems.some((p) => p.startsWith('PORT:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('REDIS_URL:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('LOG_LEVEL:'))).toBe(true);
    expect(message.split('\n')).toHaveLength(problems.length + 1);
  });

  it('does not show the password of a bad URL', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://app:hunter2@db/kyc' })).toThrow(
      /mysql:\/\/app:\*\*\*@db\/kyc/,
    );
    expect(() => loadConfig({ DATABASE_URL: 'mysql://app:hunter2@db/kyc' })).not.toThrow(/hunter2/);
  });

  it('turns the sandbox on by default outside production', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).sandbox).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test' }).sandbox).toBe(true);
  });

  it('turns the sandbox off by default in production', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).sandbox).toBe(false);
  });

  it('lets SANDBOX override the default either way', () => {
    expect(loadConfig({ NODE_ENV: 'production', SANDBOX: 'true' }).sandbox).toBe(true);
    expect(loadConfig({ NODE_ENV: 'development', SANDBOX: '0' }).sandbox).toBe(false);
    expect(() => loadConfig({ SANDBOX: 'yes' })).toThrow(/SANDBOX/);
  });

  it('refuses a queue prefix with characters Redis keys should not carry', () => {
    expect(() => loadConfig({ QUEUE_PREFIX: 'my queue' })).toThrow(/QUEUE_PREFIX/);
  });
});

describe('redactUrl', () => {
  it('hides the password and keeps the rest', () => {
    expect(redactUrl('postgres://app:s3cr3t@db:5432/kyc')).toBe('postgres://app:***@db:5432/kyc');
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });
});
