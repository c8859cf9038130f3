import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { EmbeddedPostgres, EmbeddedPostgresError } from './embedded-postgres';

// The server itself, on a folder of this file's own; the launcher's specs cover
// signals, crashes and leftovers across processes.
describe('EmbeddedPostgres', () => {
  let directory: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'shiming-embedded-spec-'));
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  async function query(server: EmbeddedPostgres, sql: string): Promise<unknown[]> {
    const client = new Client({ connectionString: server.url('postgres') });
    await client.connect();
    try {
      return (await client.query(sql)).rows;
    } finally {
      await client.end();
    }
  }

  it('starts a real PostgreSQL on 127.0.0.1 that keeps its data across a restart', async () => {
    const first = await EmbeddedPostgres.start({ directory });
    try {
      expect(first.serverVersion).toMatch(/^16\.\d+$/);
      await query(first, 'CREATE TABLE kept (value text)');
      await query(first, "INSERT INTO kept VALUES ('still here')");
    } finally {
      await first.stop();
    }
    expect(isAlive(first.pid)).toBe(false);

    const second = await EmbeddedPostgres.start({ directory });
    try {
      expect(await query(second, 'SELECT value FROM kept')).toEqual([{ value: 'still here' }]);
    } finally {
      await second.stop();
    }
  });

  it('asks for a password: another local user cannot connect without it', async () => {
    const server = await EmbeddedPostgres.start({ directory });
    try {
      const url = new URL(server.url('postgres'));
      url.password = 'wrong';
      const client = new Client({ connectionString: url.toString() });
      await expect(client.connect()).rejects.toThrow(/password authentication failed/);
      await client.end().catch(() => undefined);
    } finally {
      await server.stop();
    }
  });

  const asRoot = process.getuid?.() === 0 ? it : it.skip;
  asRoot('runs as an unprivileged user when started as root', async () => {
    const server = await EmbeddedPostgres.start({ directory });
    try {
      const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))?.[1];
      expect(Number(uid)).not.toBe(0);
    } finally {
      await server.stop();
    }
  });

  it('says which port is taken, and what to do, when the port it is given is in use', async () => {
    const taken = await listen();
    try {
      const port = (taken.address() as AddressInfo).port;
      const failure = EmbeddedPostgres.start({ directory, port });
      await expect(failure).rejects.toThrow(EmbeddedPostgresError);
      await expect(failure).rejects.toThrow(
        `Port ${port} on 127.0.0.1 is taken by another program`,
      );
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
    // The failed start gave up the folder: the next one may use it.
    const server = await EmbeddedPostgres.start({ directory });
    await server.stop();
  });
});

function listen(): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
