import * as path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../../config/config';

// An empty value (`DATABASE_URL=` in a shell or a compose file) means "not set".
const unsetIfEmpty = <T extends z.ZodType>(inner: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), inner.optional());

// The variables the launcher reads before the application (which validates its own).
const schema = z.object({
  DATABASE_URL: unsetIfEmpty(z.string()),
  DOCUMENTS_ROOT: unsetIfEmpty(z.string()),
  EMBEDDED_DATA_DIR: unsetIfEmpty(z.string()),
  EMBEDDED_POSTGRES_PORT: unsetIfEmpty(z.coerce.number().int().min(1).max(65535)),
  EMBEDDED_POSTGRES_USER: unsetIfEmpty(z.string().regex(/^[a-z_][a-z0-9_.-]*\$?$/i)),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type LauncherConfig =
  | { mode: 'server'; databaseUrl: string; logLevel: string }
  | {
      mode: 'embedded';
      /** Where embedded mode keeps its data: `postgres/` and, by default, `documents/`. */
      dataDirectory: string;
      documentsRoot: string;
      port?: number;
      user?: string;
      logLevel: string;
    };

/** No `DATABASE_URL` means embedded mode: a PostgreSQL started and stopped with the app. */
export function loadLauncherConfig(source: NodeJS.ProcessEnv = process.env): LauncherConfig {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  }
  const env = parsed.data;
  if (env.DATABASE_URL) {
    return { mode: 'server', databaseUrl: env.DATABASE_URL, logLevel: env.LOG_LEVEL };
  }
  const dataDirectory = path.resolve(env.EMBEDDED_DATA_DIR ?? '.shiming');
  return {
    mode: 'embedded',
    dataDirectory,
    documentsRoot: env.DOCUMENTS_ROOT ?? path.join(dataDirectory, 'documents'),
    ...(env.EMBEDDED_POSTGRES_PORT ? { port: env.EMBEDDED_POSTGRES_PORT } : {}),
    ...(env.EMBEDDED_POSTGRES_USER ? { user: env.EMBEDDED_POSTGRES_USER } : {}),
    logLevel: env.LOG_LEVEL,
  };
}
