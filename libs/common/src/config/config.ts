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

// Every variable the application reads; nothing else touches process.env.
const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: url(['postgres', 'postgresql']).default(
    'postgres://postgres@127.0.0.1:5432/shiming',
  ),
  REDIS_URL: url(['redis', 'rediss']).default('redis://127.0.0.1:6379'),
  SANDBOX: bool.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[a-z0-9:_-]+$/i, 'letters, digits, ":", "_" and "-" only')
    .default('shiming'),
  DB_POOL_SIZE: positiveInt.default(20),
  SUBSCRIPTION_BATCH_SIZE: positiveInt.default(500),
  SUBSCRIPTION_IDLE_POLL_MS: positiveInt.default(200),
  TIMER_RECONCILE_INTERVAL_MS: positiveInt.default(15_000),
  TIMER_LOOKAHEAD_MS: positiveInt.default(10 * 60_000),
  TIMER_WORKER_CONCURRENCY: positiveInt.default(16),
  COMMAND_MAX_RETRIES: positiveInt.default(5),
});

export type Env = z.infer<typeof schema>;

export interface AppConfig {
  env: Env['NODE_ENV'];
  port: number;
  databaseUrl: string;
  redisUrl: string;
  sandbox: boolean;
  logLevel: Env['LOG_LEVEL'];
  queuePrefix: string;
  dbPoolSize: number;
  subscriptions: { batchSize: number; idlePollMs: number };
  timers: { reconcileIntervalMs: number; lookaheadMs: number; concurrency: number };
  commands: { maxRetries: number };
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
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join('.');
        const value = source[name];
        const shown = value === undefined ? '' : ` (got ${JSON.stringify(redactUrl(value))})`;
        return `${name}: ${issue.message}${shown}`;
      }),
    );
  }
  const env = parsed.data;
  return {
    env: env.NODE_ENV,
    port: env.PORT,
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    // The sandbox (simulated outside parties, test clock) is on unless in production.
    sandbox: env.SANDBOX ?? env.NODE_ENV !== 'production',
    logLevel: env.LOG_LEVEL,
    queuePrefix: env.QUEUE_PREFIX,
    dbPoolSize: env.DB_POOL_SIZE,
    subscriptions: {
      batchSize: env.SUBSCRIPTION_BATCH_SIZE,
      idlePollMs: env.SUBSCRIPTION_IDLE_POLL_MS,
    },
    timers: {
      reconcileIntervalMs: env.TIMER_RECONCILE_INTERVAL_MS,
      lookaheadMs: env.TIMER_LOOKAHEAD_MS,
      concurrency: env.TIMER_WORKER_CONCURRENCY,
    },
    commands: { maxRetries: env.COMMAND_MAX_RETRIES },
  };
}

/** Hides a password in a connection URL before it is shown anywhere. */
export function redactUrl(value: string): string {
  return value.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

export const APP_CONFIG = Symbol('AppConfig');
