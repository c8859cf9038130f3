import { createHmac, createPublicKey } from 'node:crypto';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

// One message per bad URL: a wrong scheme and an unparsable value say the same thing.
const url = (protocols: string[]) =>
  z
    .string()
    .refine((value) => URL.canParse(value) && protocols.some((p) => value.startsWith(`${p}://`)), {
      message: `must be a URL starting with ${protocols.map((p) => `${p}://`).join(' or ')}`,
    });

const positiveInt = z.coerce.number().int().positive();

// An empty value (`PII_MASTER_KEY=` in a compose file) means "not set".
const unsetIfEmpty = <T extends z.ZodType>(inner: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), inner.optional());

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const base64Bytes = (accept: (length: number) => boolean, wanted: string) =>
  z
    .string()
    .refine((value) => BASE64.test(value) && accept(Buffer.from(value, 'base64').length), {
      message: `must be base64 of ${wanted} random bytes (openssl rand -base64 32)`,
    })
    .transform((value) => Buffer.from(value, 'base64'));

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

// `id:base64` or bare base64 (its id is then the key's fingerprint), comma-separated.
const retiredMasterKeys = z.string().transform((value, context) => {
  const keys: MasterKey[] = [];
  value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .forEach((entry, index) => {
      const at = entry.indexOf(':');
      const id = at < 0 ? undefined : entry.slice(0, at);
      const encoded = at < 0 ? entry : entry.slice(at + 1);
      const key = Buffer.from(encoded, 'base64');
      if ((id !== undefined && !KEY_ID.test(id)) || !BASE64.test(encoded) || key.length !== 32) {
        context.addIssue({
          code: 'custom',
          message: `entry ${index + 1} must be "id:base64" or "base64" of a 32-byte key`,
        });
        return;
      }
      keys.push({ id: id ?? masterKeyFingerprint(key), key });
    });
  return keys;
});

// Literal "\n" sequences let a PEM travel in a one-line variable.
const publicKeyPem = z
  .string()
  .transform((value) => value.replace(/\\n/g, '\n').trim())
  .refine((pem) => jwtAlgorithmOf(pem) !== undefined, {
    message: 'must be a PEM public key: RSA (2048 bits or more) or EC P-256',
  });

const jwtSecret = z.string().refine((value) => Buffer.byteLength(value, 'utf8') >= 32, {
  message: 'must be at least 32 bytes',
});

/** Requests allowed per window, per caller: IP address, account (`sub`), service client. */
export interface RateLimit {
  windowMs: number;
  ip?: number;
  account?: number;
  client?: number;
}

// "window:60,ip:100,account:10": the window in seconds and the requests each kind of
// caller may make in it; a kind left out is not limited by this class.
const rateLimit = (defaults: string) =>
  z
    .string()
    .default(defaults)
    .transform((value, context) => {
      const limit: Partial<RateLimit> = {};
      for (const entry of value.split(',').map((part) => part.trim())) {
        const [key, count, extra] = entry.split(':').map((part) => part.trim());
        const number = /^[1-9][0-9]*$/.test(count ?? '') ? Number(count) : NaN;
        if (extra !== undefined || !['window', 'ip', 'account', 'client'].includes(key ?? '')) {
          context.addIssue({ code: 'custom', message: `unknown entry "${entry}"` });
        } else if (!Number.isSafeInteger(number)) {
          context.addIssue({ code: 'custom', message: `${key} must be a positive whole number` });
        } else if (key === 'window') limit.windowMs = number * 1000;
        else limit[key as 'ip' | 'account' | 'client'] = number;
      }
      if (limit.windowMs === undefined) {
        context.addIssue({ code: 'custom', message: 'needs window:<seconds>' });
      }
      return limit as RateLimit;
    });

// Every variable the application reads; nothing else touches process.env.
const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: url(['postgres', 'postgresql']).default(
    'postgres://postgres:postgres@127.0.0.1:5432/shiming',
  ),
  // Unset or empty: no Redis. Timers are then woken by PostgreSQL alone, rate limits are
  // counted in memory, and the queue dashboard is off.
  REDIS_URL: unsetIfEmpty(url(['redis', 'rediss'])),
  SANDBOX: bool.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[a-z0-9:_-]+$/i, 'letters, digits, ":", "_" and "-" only')
    .default('shiming'),
  DB_POOL_SIZE: positiveInt.default(20),
  DB_CONNECT_TIMEOUT_MS: positiveInt.default(5_000),
  DB_STATEMENT_TIMEOUT_MS: positiveInt.default(15_000),
  DB_LOCK_TIMEOUT_MS: positiveInt.default(5_000),
  SUBSCRIPTION_BATCH_SIZE: positiveInt.default(500),
  SUBSCRIPTION_IDLE_POLL_MS: positiveInt.default(200),
  SUBSCRIPTION_MAX_IDLE_POLL_MS: positiveInt.default(10_000),
  SUBSCRIPTION_BATCH_GAP_MS: z.coerce.number().int().min(0).max(1_000).default(50),
  TIMER_RECONCILE_INTERVAL_MS: positiveInt.default(15_000),
  TIMER_LOOKAHEAD_MS: positiveInt.default(10 * 60_000),
  TIMER_WORKER_CONCURRENCY: positiveInt.default(512),
  TIMER_FIRE_BATCH_SIZE: positiveInt.default(128),
  TIMER_FIRE_PARALLEL_BATCHES: positiveInt.default(4),
  TIMER_POLL_MAX_IDLE_MS: positiveInt.default(30_000),
  TIMER_BACKSTOP_GRACE_MS: positiveInt.default(5_000),
  COMMAND_MAX_RETRIES: positiveInt.default(5),
  COMMAND_STATE_CACHE_SIZE: z.coerce.number().int().min(0).default(10_000),
  COMMAND_STATE_CACHE_TTL_MS: z.coerce.number().int().min(0).default(60_000),
  OUTSIDE_CALL_SWEEP_INTERVAL_MS: positiveInt.default(5_000),
  PII_MASTER_KEY: unsetIfEmpty(base64Bytes((length) => length === 32, 'exactly 32')),
  PII_MASTER_KEY_ID: z.string().regex(KEY_ID, 'letters, digits, ".", "_" and "-", 1–64').optional(),
  PII_RETIRED_MASTER_KEYS: unsetIfEmpty(retiredMasterKeys),
  PII_HASH_KEY: unsetIfEmpty(base64Bytes((length) => length >= 32, 'at least 32')),
  PII_KEY_CACHE_TTL_MS: z.coerce.number().int().min(0).default(60_000),
  PII_KEY_CACHE_SIZE: positiveInt.default(10_000),
  AUTH_JWT_SECRET: unsetIfEmpty(jwtSecret),
  AUTH_JWT_PUBLIC_KEY: unsetIfEmpty(publicKeyPem),
  AUTH_JWT_ISSUER: z.string().min(1).default('shiming'),
  AUTH_JWT_AUDIENCE: z.string().min(1).default('shiming-api'),
  AUTH_JWT_MAX_LIFETIME_SECONDS: positiveInt.default(24 * 3600),
  AUTH_JWT_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(600).default(60),
  IDEMPOTENCY_KEY_TTL_MS: positiveInt.default(24 * 3_600_000),
  IDEMPOTENCY_LOCK_TIMEOUT_MS: positiveInt.default(60_000),
  DOCUMENTS_ROOT: z.string().min(1).default('./var/documents'),
  HOLIDAYS_FILE: unsetIfEmpty(z.string()),
  CALENDAR_PROVISIONAL_DEADLINES: bool.default(true),
  UPLOAD_MAX_IMAGE_SIDE: positiveInt.default(10_000),
  UPLOAD_MAX_IMAGE_PIXELS: positiveInt.default(40_000_000),
  SANDBOX_DEPOSIT_SETTLEMENT_MS: positiveInt.default(24 * 3_600_000),
  SANDBOX_AUTHORITY_UNAVAILABLE_FAILURES: z.coerce.number().int().min(0).default(2),
  PAYMENT_PASSWORD_MAX_FAILURES: positiveInt.default(5),
  PAYMENT_PASSWORD_LOCK_MS: positiveInt.default(3 * 3_600_000),
  IDENTITY_CHECK_RETRY_INITIAL_MS: positiveInt.default(30_000),
  IDENTITY_CHECK_RETRY_MAX_MS: positiveInt.default(30 * 60_000),
  MANUAL_REVIEW_SLA_MS: positiveInt.default(48 * 3_600_000),
  APPEAL_SLA_WORKING_DAYS: positiveInt.default(3),
  SMS_CODE_TTL_MS: positiveInt.default(5 * 60_000),
  SMS_CODE_RESEND_COOLDOWN_MS: positiveInt.default(60_000),
  SMS_CODE_MAX_ATTEMPTS: positiveInt.default(5),
  SMS_CODE_MAX_PER_HOUR: positiveInt.default(5),
  SMS_CODE_MAX_PER_DAY: positiveInt.default(10),
  SMS_MOBILE_MAX_PER_HOUR: positiveInt.default(5),
  SMS_MOBILE_MAX_PER_DAY: positiveInt.default(10),
  MICRO_DEPOSIT_WINDOW_MS: positiveInt.default(10 * 24 * 3_600_000),
  MICRO_DEPOSIT_MAX_ATTEMPTS: positiveInt.default(3),
  MICRO_DEPOSIT_MAX_REQUESTS: positiveInt.default(3),
  CASE_CLAIM_TTL_MS: positiveInt.default(30 * 60_000),
  JSON_BODY_LIMIT_BYTES: positiveInt.default(64 * 1024),
  TRUST_PROXY: z.coerce.number().int().min(0).default(0),
  SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).default(3_000),
  SHUTDOWN_TIMEOUT_MS: positiveInt.default(10_000),
  RATE_LIMIT_DEFAULT: rateLimit('window:60,ip:1200,account:300,client:30000'),
  RATE_LIMIT_IDENTITY_CHECK: rateLimit('window:3600,ip:100,account:10'),
  RATE_LIMIT_SMS: rateLimit('window:3600,ip:100,account:10'),
  RATE_LIMIT_GUESS: rateLimit('window:3600,ip:300,account:30'),
  RATE_LIMIT_UPLOAD: rateLimit('window:3600,ip:100,account:20'),
  RATE_LIMIT_SANDBOX_TOKEN: rateLimit('window:60,ip:60'),
  // Each search by an ID number or a mobile is a lookup of personal data: bounded per staff member.
  RATE_LIMIT_PERSONAL_DATA_SEARCH: rateLimit('window:3600,account:60'),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  METRICS_TOKEN: unsetIfEmpty(
    z.string().regex(/^[\x21-\x7e]{16,}$/, 'must be 16 or more printable characters, no spaces'),
  ),
  READY_MAX_SUBSCRIPTION_LAG_SECONDS: positiveInt.default(300),
  OTEL_ENABLED: bool.default(false),
  OTEL_SERVICE_NAME: unsetIfEmpty(z.string().regex(/^[\x21-\x7e]{1,100}$/, 'a name, no spaces')),
  OTEL_EXPORTER_OTLP_ENDPOINT: unsetIfEmpty(url(['http', 'https'])),
});

// Never echoed in a configuration error.
const SECRET_VARIABLES: ReadonlySet<string> = new Set([
  'PII_MASTER_KEY',
  'PII_RETIRED_MASTER_KEYS',
  'PII_HASH_KEY',
  'AUTH_JWT_SECRET',
  'METRICS_TOKEN',
]);

/**
 * Fixed keys for development, tests and the sandbox outside production. They are
 * public (they are in this file): data encrypted under them is not protected.
 */
export const DEVELOPMENT_PII_MASTER_KEY: MasterKey = {
  id: 'development-not-secret',
  key: Buffer.from('shiming-development-master-key!!', 'utf8'),
};
export const DEVELOPMENT_PII_HASH_KEY = Buffer.from(
  'shiming-development-hash-key-not-secret!!',
  'utf8',
);
export const DEVELOPMENT_JWT_SECRET = 'shiming-development-jwt-secret-not-secret';

/** A key-encryption key for personal data keys, known by its id in each wrapped key. */
export interface MasterKey {
  id: string;
  key: Buffer;
}

export type Env = z.infer<typeof schema>;

export interface AppConfig {
  env: Env['NODE_ENV'];
  port: number;
  databaseUrl: string;
  /** Null without Redis: PostgreSQL alone wakes the timers. */
  redisUrl: string | null;
  sandbox: boolean;
  logLevel: Env['LOG_LEVEL'];
  queuePrefix: string;
  dbPoolSize: number;
  /** Bounds on waiting for PostgreSQL; see `DatabaseTimeouts`. */
  dbTimeouts: { connectMs: number; statementMs: number; lockMs: number };
  subscriptions: {
    batchSize: number;
    idlePollMs: number;
    maxIdlePollMs: number;
    batchGapMs: number;
  };
  timers: {
    reconcileIntervalMs: number;
    lookaheadMs: number;
    concurrency: number;
    fireBatchSize: number;
    fireParallelBatches: number;
    /** Longest the PostgreSQL poller sleeps when nothing is due sooner. */
    pollMaxIdleMs: number;
    /** With Redis: how late a timer may be before PostgreSQL fires it itself. */
    backstopGraceMs: number;
  };
  commands: { maxRetries: number; stateCacheSize: number; stateCacheTtlMs: number };
  /** How often a worker looks for outside calls nobody is making (see `OutsideCallSweeper`). */
  outsideCalls: { sweepIntervalMs: number };
  pii: {
    /** Wraps new data keys. */
    masterKey: MasterKey;
    /** Still unwrap data keys wrapped before a rotation. */
    retiredMasterKeys: MasterKey[];
    /** HMAC key for searchable hashes (occupancy by ID number, codes). */
    hashKey: Buffer;
    keyCacheTtlMs: number;
    keyCacheSize: number;
    /** The fixed, public development keys are in use. */
    developmentKeys: boolean;
  };
  auth: {
    /** HS256 secret: verifies tokens, and signs the sandbox's. */
    jwtSecret?: string;
    /** PEM public key: verifies RS256/ES256 tokens from an outside issuer. */
    jwtPublicKey?: string;
    issuer: string;
    audience: string;
    /** The fixed, public development secret is in use. */
    developmentSecret: boolean;
    /** Longest lifetime (`exp - iat`) of a token accepted, and issued by the sandbox. */
    maxLifetimeSeconds: number;
    /** How far another clock may be ahead or behind ours (`iat`, `nbf`, `exp`). */
    clockSkewSeconds: number;
  };
  idempotency: { keyTtlMs: number; lockTimeoutMs: number };
  /** A JSON file of official holiday years the calendar package does not have yet. */
  holidaysFile: string | null;
  /**
   * A working-day deadline that reaches past the calendar's data is counted by weekdays
   * and marked provisional (recomputed once the data arrives) instead of refused.
   */
  provisionalDeadlines: boolean;
  documents: {
    /** Where uploaded documents are kept, each encrypted under its identity's data key. */
    root: string;
  };
  /** Bounds of an uploaded image, checked from its header before it is decoded. */
  uploads: { maxImageSide: number; maxImagePixels: number };
  /** The numbers of the verification process (DESIGN §1), in milliseconds and counts. */
  verification: {
    paymentPasswordMaxFailures: number;
    paymentPasswordLockMs: number;
    identityCheckRetryInitialMs: number;
    identityCheckRetryMaxMs: number;
    manualReviewSlaMs: number;
    appealSlaWorkingDays: number;
    smsCodeTtlMs: number;
    smsCodeResendCooldownMs: number;
    smsCodeMaxAttempts: number;
    smsCodeMaxPerHour: number;
    smsCodeMaxPerDay: number;
    /** Codes sent to one mobile number, from every account, per hour and per day. */
    smsMobileMaxPerHour: number;
    smsMobileMaxPerDay: number;
    microDepositWindowMs: number;
    microDepositMaxAttempts: number;
    microDepositMaxRequests: number;
  };
  backoffice: {
    /** A reviewer's claim on a case lapses after this long without activity. */
    claimTtlMs: number;
  };
  sandboxRules: {
    /** How long after sending the sandbox bank settles a micro-deposit. */
    depositSettlementMs: number;
    /** How many calls the sandbox authority fails for an ID number with sequence 998. */
    authorityUnavailableFailures: number;
  };
  http: {
    /** Largest JSON body the api reads. */
    jsonBodyLimitBytes: number;
    /** Proxies in front of the api whose X-Forwarded-For is believed (0: none). */
    trustProxy: number;
    /**
     * After SIGTERM, how long the api still serves while readiness is red, closing each
     * connection after its answer, so that load balancers move clients elsewhere.
     */
    shutdownDrainMs: number;
    /** Then, how long requests in flight may take before their connections are cut. */
    shutdownTimeoutMs: number;
  };
  ops: {
    /** The internal listener of `/metrics` (and the worker's probes); 0: none. */
    metricsPort: number;
    /** A bearer token `/metrics` asks for; null: none (the port is reached by monitoring only). */
    metricsToken: string | null;
    /** The worker is not ready while a subscription is further behind than this. */
    readyMaxSubscriptionLagSeconds: number;
  };
  /** OpenTelemetry traces, exported by OTLP/HTTP; off unless enabled. */
  tracing: {
    enabled: boolean;
    /** Null: `shiming-api` or `shiming-worker`, by the process. */
    serviceName: string | null;
    /** Base URL of the OTLP receiver (`/v1/traces` is added); null: the exporter's default. */
    otlpEndpoint: string | null;
  };
  /** Per class of route: `default` for every route, the others on top for some. */
  rateLimits: Record<
    | 'default'
    | 'identityCheck'
    | 'sms'
    | 'guess'
    | 'upload'
    | 'sandboxToken'
    | 'personalDataSearch',
    RateLimit
  >;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates the environment once, naming each bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = schema.safeParse(source);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => {
        const name = issue.path.join('.');
        const value = source[name];
        const shown =
          value === undefined || SECRET_VARIABLES.has(name)
            ? ''
            : ` (got ${JSON.stringify(redactUrl(value))})`;
        return `${name}: ${issue.message}${shown}`;
      });
  problems.push(...productionProblems(source));
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const env = parsed.data;
  const production = env.NODE_ENV === 'production';
  const masterKey = env.PII_MASTER_KEY
    ? {
        id: env.PII_MASTER_KEY_ID ?? masterKeyFingerprint(env.PII_MASTER_KEY),
        key: env.PII_MASTER_KEY,
      }
    : DEVELOPMENT_PII_MASTER_KEY;
  const retiredMasterKeys = env.PII_RETIRED_MASTER_KEYS ?? [];
  if (retiredMasterKeys.some((retired) => retired.id === masterKey.id)) {
    throw new ConfigError([
      `PII_RETIRED_MASTER_KEYS: must not reuse the current master key id "${masterKey.id}"`,
    ]);
  }
  const jwtSecret =
    env.AUTH_JWT_SECRET ??
    (production || env.AUTH_JWT_PUBLIC_KEY ? undefined : DEVELOPMENT_JWT_SECRET);
  return {
    env: env.NODE_ENV,
    port: env.PORT,
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL ?? null,
    // The sandbox (simulated outside parties, test clock) is on unless in production.
    sandbox: env.SANDBOX ?? env.NODE_ENV !== 'production',
    logLevel: env.LOG_LEVEL,
    queuePrefix: env.QUEUE_PREFIX,
    dbPoolSize: env.DB_POOL_SIZE,
    dbTimeouts: {
      connectMs: env.DB_CONNECT_TIMEOUT_MS,
      statementMs: env.DB_STATEMENT_TIMEOUT_MS,
      lockMs: env.DB_LOCK_TIMEOUT_MS,
    },
    subscriptions: {
      batchSize: env.SUBSCRIPTION_BATCH_SIZE,
      idlePollMs: env.SUBSCRIPTION_IDLE_POLL_MS,
      maxIdlePollMs: env.SUBSCRIPTION_MAX_IDLE_POLL_MS,
      batchGapMs: env.SUBSCRIPTION_BATCH_GAP_MS,
    },
    timers: {
      reconcileIntervalMs: env.TIMER_RECONCILE_INTERVAL_MS,
      lookaheadMs: env.TIMER_LOOKAHEAD_MS,
      concurrency: env.TIMER_WORKER_CONCURRENCY,
      fireBatchSize: env.TIMER_FIRE_BATCH_SIZE,
      fireParallelBatches: env.TIMER_FIRE_PARALLEL_BATCHES,
      pollMaxIdleMs: env.TIMER_POLL_MAX_IDLE_MS,
      backstopGraceMs: env.TIMER_BACKSTOP_GRACE_MS,
    },
    commands: {
      maxRetries: env.COMMAND_MAX_RETRIES,
      stateCacheSize: env.COMMAND_STATE_CACHE_SIZE,
      stateCacheTtlMs: env.COMMAND_STATE_CACHE_TTL_MS,
    },
    outsideCalls: { sweepIntervalMs: env.OUTSIDE_CALL_SWEEP_INTERVAL_MS },
    pii: {
      masterKey,
      retiredMasterKeys,
      hashKey: env.PII_HASH_KEY ?? DEVELOPMENT_PII_HASH_KEY,
      keyCacheTtlMs: env.PII_KEY_CACHE_TTL_MS,
      keyCacheSize: env.PII_KEY_CACHE_SIZE,
      developmentKeys: !env.PII_MASTER_KEY || !env.PII_HASH_KEY,
    },
    auth: {
      ...(jwtSecret ? { jwtSecret } : {}),
      ...(env.AUTH_JWT_PUBLIC_KEY ? { jwtPublicKey: env.AUTH_JWT_PUBLIC_KEY } : {}),
      issuer: env.AUTH_JWT_ISSUER,
      audience: env.AUTH_JWT_AUDIENCE,
      developmentSecret: jwtSecret === DEVELOPMENT_JWT_SECRET,
      maxLifetimeSeconds: env.AUTH_JWT_MAX_LIFETIME_SECONDS,
      clockSkewSeconds: env.AUTH_JWT_CLOCK_SKEW_SECONDS,
    },
    idempotency: {
      keyTtlMs: env.IDEMPOTENCY_KEY_TTL_MS,
      lockTimeoutMs: env.IDEMPOTENCY_LOCK_TIMEOUT_MS,
    },
    holidaysFile: env.HOLIDAYS_FILE ?? null,
    provisionalDeadlines: env.CALENDAR_PROVISIONAL_DEADLINES,
    documents: { root: env.DOCUMENTS_ROOT },
    uploads: {
      maxImageSide: env.UPLOAD_MAX_IMAGE_SIDE,
      maxImagePixels: env.UPLOAD_MAX_IMAGE_PIXELS,
    },
    verification: {
      paymentPasswordMaxFailures: env.PAYMENT_PASSWORD_MAX_FAILURES,
      paymentPasswordLockMs: env.PAYMENT_PASSWORD_LOCK_MS,
      identityCheckRetryInitialMs: env.IDENTITY_CHECK_RETRY_INITIAL_MS,
      identityCheckRetryMaxMs: env.IDENTITY_CHECK_RETRY_MAX_MS,
      manualReviewSlaMs: env.MANUAL_REVIEW_SLA_MS,
      appealSlaWorkingDays: env.APPEAL_SLA_WORKING_DAYS,
      smsCodeTtlMs: env.SMS_CODE_TTL_MS,
      smsCodeResendCooldownMs: env.SMS_CODE_RESEND_COOLDOWN_MS,
      smsCodeMaxAttempts: env.SMS_CODE_MAX_ATTEMPTS,
      smsCodeMaxPerHour: env.SMS_CODE_MAX_PER_HOUR,
      smsCodeMaxPerDay: env.SMS_CODE_MAX_PER_DAY,
      smsMobileMaxPerHour: env.SMS_MOBILE_MAX_PER_HOUR,
      smsMobileMaxPerDay: env.SMS_MOBILE_MAX_PER_DAY,
      microDepositWindowMs: env.MICRO_DEPOSIT_WINDOW_MS,
      microDepositMaxAttempts: env.MICRO_DEPOSIT_MAX_ATTEMPTS,
      microDepositMaxRequests: env.MICRO_DEPOSIT_MAX_REQUESTS,
    },
    backoffice: { claimTtlMs: env.CASE_CLAIM_TTL_MS },
    sandboxRules: {
      depositSettlementMs: env.SANDBOX_DEPOSIT_SETTLEMENT_MS,
      authorityUnavailableFailures: env.SANDBOX_AUTHORITY_UNAVAILABLE_FAILURES,
    },
    http: {
      jsonBodyLimitBytes: env.JSON_BODY_LIMIT_BYTES,
      trustProxy: env.TRUST_PROXY,
      shutdownDrainMs: env.SHUTDOWN_DRAIN_MS,
      shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    },
    ops: {
      metricsPort: env.METRICS_PORT,
      metricsToken: env.METRICS_TOKEN ?? null,
      readyMaxSubscriptionLagSeconds: env.READY_MAX_SUBSCRIPTION_LAG_SECONDS,
    },
    tracing: {
      enabled: env.OTEL_ENABLED,
      serviceName: env.OTEL_SERVICE_NAME ?? null,
      otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT ?? null,
    },
    rateLimits: {
      default: env.RATE_LIMIT_DEFAULT,
      identityCheck: env.RATE_LIMIT_IDENTITY_CHECK,
      sms: env.RATE_LIMIT_SMS,
      guess: env.RATE_LIMIT_GUESS,
      upload: env.RATE_LIMIT_UPLOAD,
      sandboxToken: env.RATE_LIMIT_SANDBOX_TOKEN,
      personalDataSearch: env.RATE_LIMIT_PERSONAL_DATA_SEARCH,
    },
  };
}

// Production never falls back to the public development keys, and never runs the
// sandbox: its token endpoint would sign any role with the real secret.
function productionProblems(source: NodeJS.ProcessEnv): string[] {
  if (source.NODE_ENV !== 'production') return [];
  const unset = (name: string) => !source[name];
  const problems: string[] = [];
  if (source.SANDBOX === 'true' || source.SANDBOX === '1') {
    problems.push(
      'SANDBOX: must not be on in production (NODE_ENV=production): its simulators and token endpoint would let anyone mint tokens of any role',
    );
  }
  for (const name of ['PII_MASTER_KEY', 'PII_HASH_KEY']) {
    if (unset(name)) {
      problems.push(
        `${name}: required in production (base64 of 32 random bytes: openssl rand -base64 32)`,
      );
    }
  }
  if (unset('AUTH_JWT_SECRET') && unset('AUTH_JWT_PUBLIC_KEY')) {
    problems.push('AUTH_JWT_SECRET or AUTH_JWT_PUBLIC_KEY: one is required in production');
  }
  return problems;
}

/**
 * One line per public development key the configuration uses, naming its variable;
 * empty when every key is the operator's own. Production refuses these keys outright;
 * elsewhere they are allowed, and said loudly at every start.
 */
export function developmentKeyWarnings(config: AppConfig): string[] {
  const keys: [name: string, inUse: boolean, exposed: string][] = [
    [
      'PII_MASTER_KEY',
      config.pii.masterKey.key.equals(DEVELOPMENT_PII_MASTER_KEY.key),
      'personal data and documents encrypted under it are not protected',
    ],
    [
      'PII_HASH_KEY',
      config.pii.hashKey.equals(DEVELOPMENT_PII_HASH_KEY),
      'anyone can recompute its keyed hashes (ID-number lookups, request fingerprints)',
    ],
  ];
  const lines = keys
    .filter(([, inUse]) => inUse)
    .map(
      ([name, , exposed]) =>
        `${name}: the public development key is in use; ${exposed}. Set ${name} to base64 of 32 random bytes (openssl rand -base64 32).`,
    );
  if (config.auth.developmentSecret) {
    lines.push(
      'AUTH_JWT_SECRET: the public development secret is in use; anyone can sign a token of any role. Set AUTH_JWT_SECRET to 32 random bytes or more, or AUTH_JWT_PUBLIC_KEY.',
    );
  }
  return lines;
}

/** Logs `developmentKeyWarnings` as WARN lines; each process calls it once at start-up. */
export function warnOfDevelopmentKeys(
  config: AppConfig,
  logger: { warn(message: string, context?: string): unknown },
): void {
  for (const line of developmentKeyWarnings(config)) logger.warn(line, 'Config');
}

/**
 * The default id of a master key: derived from the key, so that a rotation without
 * explicit ids still tells the old key from the new one. Reveals nothing of the key.
 */
export function masterKeyFingerprint(key: Buffer): string {
  return `fp-${createHmac('sha256', key).update('shiming pii master key id').digest('hex').slice(0, 16)}`;
}

/** The JWS algorithm a PEM public key verifies, or undefined if we do not accept it. */
export function jwtAlgorithmOf(pem: string): 'RS256' | 'ES256' | undefined {
  try {
    const key = createPublicKey(pem);
    const details = key.asymmetricKeyDetails;
    if (key.asymmetricKeyType === 'rsa' && (details?.modulusLength ?? 0) >= 2048) return 'RS256';
    if (key.asymmetricKeyType === 'ec' && details?.namedCurve === 'prime256v1') return 'ES256';
  } catch {
    // Not a key at all: refused below like a key of the wrong kind.
  }
  return undefined;
}

/** Hides a password in a connection URL before it is shown anywhere. */
export function redactUrl(value: string): string {
  return value.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

export const APP_CONFIG = Symbol('AppConfig');
