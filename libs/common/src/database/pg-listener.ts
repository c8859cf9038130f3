import { Client, type ClientConfig, type Notification } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';

export interface PgListenerOptions {
  channels: readonly string[];
  onNotification(channel: string, payload: string | undefined): void;
  /** Listening again after a lost connection: NOTIFYs sent meanwhile were missed. */
  onReconnected?(): void;
  onError?(error: unknown): void;
  /** Pause before connecting again after a failure. */
  retryMs?: number;
}

/**
 * `LISTEN` on a connection of its own, outside the application's pool: a listener
 * holds its connection for good, and one taken from a small pool would starve the
 * requests. Connects again after a failure, for as long as it is not stopped.
 */
export class PgListener {
  private client: Client | null = null;
  private retry: NodeJS.Timeout | null = null;
  private stopped = true;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: PgListenerOptions,
  ) {}

  get listening(): boolean {
    return this.client !== null;
  }

  /** Listens; a failure to connect is reported and retried, never thrown. */
  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    await this.connect(false);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(again: boolean): Promise<void> {
    const client = new Client(clientConfigOf(this.dataSource));
    client.on('notification', (message: Notification) =>
      this.options.onNotification(message.channel, message.payload),
    );
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, null));
    try {
      await client.connect();
      for (const channel of this.options.channels) {
        await client.query(`LISTEN ${quoteIdent(channel)}`);
      }
    } catch (error) {
      this.lost(client, error);
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    if (again) this.options.onReconnected?.();
  }

  private lost(client: Client, error: unknown): void {
    if (error) this.options.onError?.(error);
    if (this.client === client) this.client = null;
    client.removeAllListeners('end');
    void client.end().catch(() => undefined);
    if (this.stopped || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      if (!this.stopped) void this.connect(true);
    }, this.options.retryMs ?? 1_000);
  }
}

/** The connection settings of `dataSource`, for a client of its own. */
function clientConfigOf(dataSource: DataSource): ClientConfig {
  const options = dataSource.options as PostgresConnectionOptions;
  const extra = (options.extra ?? {}) as { connectionTimeoutMillis?: number };
  return {
    connectionString: options.url,
    host: options.url ? undefined : options.host,
    port: options.url ? undefined : options.port,
    user: options.url ? undefined : options.username,
    password: options.url ? undefined : (options.password as string | undefined),
    database: options.url ? undefined : options.database,
    ssl: options.ssl as ClientConfig['ssl'],
    application_name: `${options.applicationName ?? 'shiming'}-listener`,
    connectionTimeoutMillis: extra.connectionTimeoutMillis,
    keepAlive: true,
  };
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
