import { ConfigError } from '@shiming/common/config/config';
import { EmbeddedPostgresError, launch } from '@shiming/common/database/embedded';

// `npm start`: node … scripts/start.ts <entry point> [its arguments]. Runs the entry
// point over DATABASE_URL, or over an embedded PostgreSQL when it is not set.
const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('Usage: scripts/start.ts <entry point> [arguments]');
  process.exit(2);
}
launch(entry, args).catch((error: unknown) => {
  if (error instanceof EmbeddedPostgresError || error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error('Startup failed:', error);
  }
  process.exit(1);
});
