import { generateKeyPairSync, randomBytes } from 'node:crypto';
import {
  ConfigError,
  DEVELOPMENT_JWT_SECRET,
  DEVELOPMENT_PII_HASH_KEY,
  DEVELOPMENT_PII_MASTER_KEY,
  developmentKeyWarnings,
  loadConfig,
  masterKeyFingerprint,
  redactUrl,
  warnOfDevelopmentKeys,
} from './config';

const key32 = () => randomBytes(32).toString('base64');

// The least a production environment must set.
const PRODUCTION = {
  NODE_ENV: 'production',
  PII_MASTER_KEY: key32(),
  PII_HASH_KEY: key32(),
  AUTH_JWT_SECRET: 'production-jwt-secret-of-32-bytes!',
};

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('uses the documented defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      env: 'development',
      port: 3000,
      databaseUrl: 'postgres://postgres:postgres@127.0.0.1:5432/shiming',
      redisUrl: null,
      sandbox: true,
      logLevel: 'info',
      ops: { metricsPort: 9464, metricsToken: null, readyMaxSubscriptionLagSeconds: 300 },
      tracing: { enabled: false, serviceName: null, otlpEndpoint: null },
      queuePrefix: 'shiming',
      dbPoolSize: 20,
      dbTimeouts: { connectMs: 5000, statementMs: 15000, lockMs: 5000 },
      subscriptions: { batchSize: 500, idlePollMs: 200, maxIdlePollMs: 10_000, batchGapMs: 50 },
      timers: {
        reconcileIntervalMs: 15_000,
        lookaheadMs: 600_000,
        concurrency: 512,
        fireBatchSize: 128,
        fireParallelBatches: 4,
        pollMaxIdleMs: 30_000,
        backstopGraceMs: 5_000,
      },
      commands: { maxRetries: 5, stateCacheSize: 10_000, stateCacheTtlMs: 60_000 },
      outsideCalls: { sweepIntervalMs: 5_000 },
      holidaysFile: null,
      provisionalDeadlines: true,
      pii: {
        masterKey: DEVELOPMENT_PII_MASTER_KEY,
        retiredMasterKeys: [],
        hashKey: DEVELOPMENT_PII_HASH_KEY,
        keyCacheTtlMs: 60_000,
        keyCacheSize: 10_000,
        developmentKeys: true,
      },
      auth: {
        jwtSecret: DEVELOPMENT_JWT_SECRET,
        issuer: 'shiming',
        audience: 'shiming-api',
        developmentSecret: true,
        maxLifetimeSeconds: 86_400,
        clockSkewSeconds: 60,
      },
      idempotency: { keyTtlMs: 86_400_000, lockTimeoutMs: 60_000 },
      documents: { root: './var/documents' },
      uploads: { maxImageSide: 10_000, maxImagePixels: 40_000_000 },
      verification: {
        paymentPasswordMaxFailures: 5,
        paymentPasswordLockMs: 10_800_000,
        identityCheckRetryInitialMs: 30_000,
        identityCheckRetryMaxMs: 1_800_000,
        manualReviewSlaMs: 172_800_000,
        appealSlaWorkingDays: 3,
        smsCodeTtlMs: 300_000,
        smsCodeResendCooldownMs: 60_000,
        smsCodeMaxAttempts: 5,
        smsCodeMaxPerHour: 5,
        smsCodeMaxPerDay: 10,
        smsMobileMaxPerHour: 5,
        smsMobileMaxPerDay: 10,
        microDepositWindowMs: 864_000_000,
        microDepositMaxAttempts: 3,
        microDepositMaxRequests: 3,
      },
      backoffice: { claimTtlMs: 1_800_000 },
      sandboxRules: { depositSettlementMs: 86_400_000, authorityUnavailableFailures: 2 },
      // The rate limits' defaults are tested beside the limiter (rate-limit-config.spec.ts).
      http: {
        jsonBodyLimitBytes: 65_536,
        trustProxy: 0,
        shutdownDrainMs: 3_000,
        shutdownTimeoutMs: 10_000,
      },
      rateLimits: expect.any(Object),
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
      TIMER_FIRE_BATCH_SIZE: '16',
      TIMER_FIRE_PARALLEL_BATCHES: '2',
      UPLOAD_MAX_IMAGE_SIDE: '4000',
      UPLOAD_MAX_IMAGE_PIXELS: '12000000',
    });
    expect(config).toMatchObject({
      env: 'test',
      port: 8080,
      databaseUrl: 'postgresql://app:secret@db:5432/kyc',
      redisUrl: 'rediss://cache:6380/2',
      logLevel: 'debug',
      queuePrefix: 'kyc:eu-1',
      dbPoolSize: 5,
      timers: { concurrency: 4, fireBatchSize: 16, fireParallelBatches: 2 },
      uploads: { maxImageSide: 4000, maxImagePixels: 12_000_000 },
    });
  });

  it('runs without Redis when REDIS_URL is unset or empty', () => {
    expect(loadConfig({}).redisUrl).toBeNull();
    expect(loadConfig({ REDIS_URL: '' }).redisUrl).toBeNull();
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).redisUrl).toBe(
      'redis://127.0.0.1:6379',
    );
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
    expect(loadConfig({ ...PRODUCTION }).sandbox).toBe(false);
  });

  it('lets SANDBOX turn the sandbox off anywhere, and on outside production', () => {
    expect(loadConfig({ ...PRODUCTION, SANDBOX: 'false' }).sandbox).toBe(false);
    expect(loadConfig({ NODE_ENV: 'development', SANDBOX: '0' }).sandbox).toBe(false);
    expect(loadConfig({ NODE_ENV: 'test', SANDBOX: 'true' }).sandbox).toBe(true);
    expect(() => loadConfig({ SANDBOX: 'yes' })).toThrow(/SANDBOX/);
  });

  it('refuses the sandbox in production, where it would mint tokens with the real secret', () => {
    for (const on of ['true', '1']) {
      expect(problemsOf({ ...PRODUCTION, SANDBOX: on })).toEqual([
        expect.stringMatching(/^SANDBOX: must not be on in production \(NODE_ENV=production\)/),
      ]);
    }
    expect(() => loadConfig({ ...PRODUCTION, SANDBOX: 'true' })).toThrow(
      /^Invalid configuration:\n {2}- SANDBOX: /,
    );
  });

  it('refuses a queue prefix with characters Redis keys should not carry', () => {
    expect(() => loadConfig({ QUEUE_PREFIX: 'my queue' })).toThrow(/QUEUE_PREFIX/);
  });
});

describe('loadConfig: keys and secrets', () => {
  const productionKeys = () => ({ ...PRODUCTION, PII_MASTER_KEY: key32() });

  it('requires the PII keys and a JWT key in production, naming each', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems).toEqual([
      expect.stringMatching(/^PII_MASTER_KEY: required in production/),
      expect.stringMatching(/^PII_HASH_KEY: required in production/),
      'AUTH_JWT_SECRET or AUTH_JWT_PUBLIC_KEY: one is required in production',
    ]);
  });

  it('counts an empty key as missing in production', () => {
    expect(problemsOf({ ...productionKeys(), PII_HASH_KEY: '' })).toEqual([
      expect.stringMatching(/^PII_HASH_KEY: required in production/),
    ]);
  });

  it('lists missing production keys together with other bad variables', () => {
    const problems = problemsOf({ NODE_ENV: 'production', PORT: 'x' });
    expect(problems.map((p) => p.split(':')[0])).toEqual([
      'PORT',
      'PII_MASTER_KEY',
      'PII_HASH_KEY',
      'AUTH_JWT_SECRET or AUTH_JWT_PUBLIC_KEY',
    ]);
  });

  it('uses the given keys in production and never the development ones', () => {
    const env = productionKeys();
    const config = loadConfig(env);
    expect(config.pii.masterKey.key.toString('base64')).toBe(env.PII_MASTER_KEY);
    expect(config.pii.hashKey.toString('base64')).toBe(env.PII_HASH_KEY);
    expect(config.pii.developmentKeys).toBe(false);
    expect(config.auth).toEqual({
      jwtSecret: env.AUTH_JWT_SECRET,
      issuer: 'shiming',
      audience: 'shiming-api',
      developmentSecret: false,
      maxLifetimeSeconds: 86_400,
      clockSkewSeconds: 60,
    });
  });

  it('names the master key by PII_MASTER_KEY_ID, or else by its fingerprint', () => {
    const env = productionKeys();
    const key = Buffer.from(env.PII_MASTER_KEY, 'base64');
    expect(loadConfig(env).pii.masterKey.id).toBe(masterKeyFingerprint(key));
    expect(masterKeyFingerprint(key)).toMatch(/^fp-[0-9a-f]{16}$/);
    expect(loadConfig({ ...env, PII_MASTER_KEY_ID: '2026-01' }).pii.masterKey.id).toBe('2026-01');
    expect(() => loadConfig({ ...env, PII_MASTER_KEY_ID: 'has space' })).toThrow(
      /PII_MASTER_KEY_ID/,
    );
  });

  it('reads retired master keys with or without ids', () => {
    const [old1, old2] = [randomBytes(32), randomBytes(32)];
    const config = loadConfig({
      PII_RETIRED_MASTER_KEYS: `k1:${old1.toString('base64')}, ${old2.toString('base64')}`,
    });
    expect(config.pii.retiredMasterKeys).toEqual([
      { id: 'k1', key: old1 },
      { id: masterKeyFingerprint(old2), key: old2 },
    ]);
    expect(() =>
      loadConfig({
        PII_MASTER_KEY: key32(),
        PII_MASTER_KEY_ID: 'k1',
        PII_RETIRED_MASTER_KEYS: `k1:${old1.toString('base64')}`,
      }),
    ).toThrow(/must not reuse the current master key id "k1"/);
  });

  it('refuses keys of the wrong size without showing them', () => {
    const short = randomBytes(16).toString('base64');
    const problems = problemsOf({
      PII_MASTER_KEY: short,
      PII_HASH_KEY: 'not base64!',
      AUTH_JWT_SECRET: 'too-short',
      PII_RETIRED_MASTER_KEYS: `old:${short}`,
    });
    expect(problems.map((p) => p.split(':')[0])).toEqual([
      'PII_MASTER_KEY',
      'PII_RETIRED_MASTER_KEYS',
      'PII_HASH_KEY',
      'AUTH_JWT_SECRET',
    ]);
    const text = problems.join('\n');
    expect(text).not.toContain(short);
    expect(text).not.toContain('too-short');
    expect(text).toMatch(/PII_MASTER_KEY: must be base64 of exactly 32 random bytes/);
  });

  it('turns tracing on by OTEL_ENABLED, with the standard service name and endpoint', () => {
    expect(
      loadConfig({
        OTEL_ENABLED: 'true',
        OTEL_SERVICE_NAME: 'kyc-api',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      }).tracing,
    ).toEqual({ enabled: true, serviceName: 'kyc-api', otlpEndpoint: 'http://collector:4318' });
    expect(problemsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toEqual([
      'OTEL_EXPORTER_OTLP_ENDPOINT: must be a URL starting with http:// or https:// (got "collector:4318")',
    ]);
  });

  it('reads a metrics token, and refuses a short one without showing it', () => {
    const token = 'scrape-token-0123456789';
    expect(loadConfig({ METRICS_TOKEN: token }).ops.metricsToken).toBe(token);
    expect(loadConfig({ METRICS_TOKEN: '' }).ops.metricsToken).toBeNull();
    const problems = problemsOf({ METRICS_TOKEN: 'short' });
    expect(problems).toEqual(['METRICS_TOKEN: must be 16 or more printable characters, no spaces']);
  });

  it('accepts an RSA or EC P-256 public key, one-line or not, and refuses others', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    const ed = generateKeyPairSync('ed25519')
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    const oneLine = rsa.trim().replace(/\n/g, '\\n');
    expect(loadConfig({ AUTH_JWT_PUBLIC_KEY: oneLine }).auth.jwtPublicKey).toBe(rsa.trim());
    expect(loadConfig({ AUTH_JWT_PUBLIC_KEY: ec }).auth.jwtPublicKey).toBe(ec.trim());
    expect(() => loadConfig({ AUTH_JWT_PUBLIC_KEY: ed })).toThrow(
      /AUTH_JWT_PUBLIC_KEY: must be a PEM/,
    );
    expect(() => loadConfig({ AUTH_JWT_PUBLIC_KEY: 'nope' })).toThrow(/AUTH_JWT_PUBLIC_KEY/);
  });

  it('uses no development secret beside a configured public key', () => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    const config = loadConfig({ AUTH_JWT_PUBLIC_KEY: pem });
    expect(config.auth.jwtSecret).toBeUndefined();
    expect(config.auth.developmentSecret).toBe(false);
    expect(
      loadConfig({
        ...productionKeys(),
        AUTH_JWT_SECRET: undefined,
        AUTH_JWT_PUBLIC_KEY: pem,
      }).auth,
    ).not.toHaveProperty('jwtSecret');
  });

  it('reads issuer, audience, token bounds, cache and idempotency settings', () => {
    const config = loadConfig({
      AUTH_JWT_ISSUER: 'https://id.example',
      AUTH_JWT_AUDIENCE: 'kyc',
      AUTH_JWT_MAX_LIFETIME_SECONDS: '3600',
      AUTH_JWT_CLOCK_SKEW_SECONDS: '0',
      PII_KEY_CACHE_TTL_MS: '0',
      PII_KEY_CACHE_SIZE: '100',
      IDEMPOTENCY_KEY_TTL_MS: '3600000',
      IDEMPOTENCY_LOCK_TIMEOUT_MS: '5000',
    });
    expect(config.auth).toMatchObject({
      issuer: 'https://id.example',
      audience: 'kyc',
      maxLifetimeSeconds: 3600,
      clockSkewSeconds: 0,
    });
    expect(() => loadConfig({ AUTH_JWT_MAX_LIFETIME_SECONDS: '0' })).toThrow(
      /AUTH_JWT_MAX_LIFETIME_SECONDS/,
    );
    expect(() => loadConfig({ AUTH_JWT_CLOCK_SKEW_SECONDS: '3600' })).toThrow(
      /AUTH_JWT_CLOCK_SKEW_SECONDS/,
    );
    expect(config.pii).toMatchObject({ keyCacheTtlMs: 0, keyCacheSize: 100 });
    expect(config.idempotency).toEqual({ keyTtlMs: 3_600_000, lockTimeoutMs: 5000 });
  });
});

describe('developmentKeyWarnings', () => {
  const warned = (env: NodeJS.ProcessEnv) =>
    developmentKeyWarnings(loadConfig(env)).map((line) => line.split(':')[0]);

  it('names every public development key in use, one line each', () => {
    expect(warned({})).toEqual(['PII_MASTER_KEY', 'PII_HASH_KEY', 'AUTH_JWT_SECRET']);
    const lines = developmentKeyWarnings(loadConfig({ NODE_ENV: 'test' }));
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).toMatch(/public development (key|secret)/);
  });

  it('names only the keys still left at their development value', () => {
    expect(warned({ PII_MASTER_KEY: key32() })).toEqual(['PII_HASH_KEY', 'AUTH_JWT_SECRET']);
    expect(warned({ PII_HASH_KEY: key32(), AUTH_JWT_SECRET: 'x'.repeat(32) })).toEqual([
      'PII_MASTER_KEY',
    ]);
    expect(warned(PRODUCTION)).toEqual([]);
  });

  it('recognises a development key that was set explicitly', () => {
    expect(
      warned({
        ...PRODUCTION,
        NODE_ENV: 'development',
        PII_MASTER_KEY: DEVELOPMENT_PII_MASTER_KEY.key.toString('base64'),
        AUTH_JWT_SECRET: DEVELOPMENT_JWT_SECRET,
      }),
    ).toEqual(['PII_MASTER_KEY', 'AUTH_JWT_SECRET']);
  });

  it('writes each warning to the logger it is given', () => {
    const logged: [string, string | undefined][] = [];
    warnOfDevelopmentKeys(loadConfig({ PII_MASTER_KEY: key32(), PII_HASH_KEY: key32() }), {
      warn: (message: string, context?: string) => logged.push([message, context]),
    });
    expect(logged.map(([message]) => message.split(':')[0])).toEqual(['AUTH_JWT_SECRET']);
    expect(logged.every(([, context]) => context === 'Config')).toBe(true);
  });
});

describe('redactUrl', () => {
  it('hides the password and keeps the rest', () => {
    expect(redactUrl('postgres://app:s3cr3t@db:5432/kyc')).toBe('postgres://app:***@db:5432/kyc');
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });
});
