import { Client } from 'pg';

// A stand-in for the application in the launcher's specs: connects to the database it
// is given, says so, and stops on SIGTERM or SIGINT; FIXTURE_EXIT_CODE makes it end
// on its own soon after, as a crash would.
async function main(): Promise<void> {
  const url = new URL(process.env.DATABASE_URL ?? '');
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  await client.query('SELECT 1');
  const stop = (signal: string) => {
    process.stdout.write(`fixture stopping on ${signal}\n`);
    void client.end().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // Only once it can be stopped: the specs signal the launcher as soon as they read it.
  process.stdout.write(
    `fixture ready pid=${process.pid} documents=${process.env.DOCUMENTS_ROOT}\n`,
  );
  if (process.env.FIXTURE_EXIT_CODE) {
    setTimeout(() => process.exit(Number(process.env.FIXTURE_EXIT_CODE)), 200);
  }
  setInterval(() => undefined, 60_000);
}

main().catch((error: unknown) => {
  console.error('fixture failed', error);
  process.exit(9);
});
