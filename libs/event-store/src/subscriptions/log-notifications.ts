import { Logger } from '@nestjs/common';
import { Client, Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { comparePositions } from '../event-store';
import type { LogPosition } from '../event-store.types';

/** The channel on which a process says that it appended (payload: the position). */
export const APPENDED_CHANNEL = 'es_appended';

const FIRST_RECONNECT_MS = 500;
const MAX_RECONNECT_MS = 30_000;

/**
 * Wake-up hints between processes through PostgreSQL's LISTEN/NOTIFY. A hint is sent
 * after the append's commit, in a statement of its own: a NOTIFY inside the writer's
 * transaction would take the notification queue's lock at commit and serialise every
 * writer. Hints may be lost (no listener connected, a reconnect); readers still poll.
 */
export class LogNotifications {
  private readonly logger = new Logger(LogNotifications.name);
  private readonly pool: Pool;
  private client?: Client;
  private reconnectMs = FIRST_RECONNECT_MS;
  private reconnectTimer?: NodeJS.Timeout;
  private closed = false;
  // One hint in flight per process; appends meanwhile are told by one more after it.
  private sending = false;
  private pending: LogPosition | null = null;

  constructor(dataSource: DataSource) {
    this.pool = (dataSource.driver as unknown as { master: Pool }).master;
  }

  /** Tells listeners in every process that `position` was appended. Never throws. */
  notifyAppended(position: LogPosition): void {
    if (this.closed) return;
    if (!this.pending || comparePositions(position, this.pending) > 0) {
      this.pending = position;
    }
    if (!this.sending) void this.flush();
  }

  private async flush(): Promise<void> {
    this.sending = true;
    try {
      while (this.pending && !this.closed) {
        const position = this.pending;
        this.pending = null;
        await this.pool
          .query('SELECT pg_notify($1, $2)', [APPENDED_CHANNEL, formatHint(position)])
          .catch(() => undefined);
      }
    } finally {
      this.sending = false;
    }
  }

  /**
   * Listens on a dedicated connection (outside the pool), reconnecting with a
   * back-off. `onHint` gets the position (null when unreadable); `onState` whether
   * the connection is up, so that a reader polls faster while it is not.
   */
  listen(onHint: (position: LogPosition | null) => void, onState: (up: boolean) => void): void {
    const connect = async () => {
      this.reconnectTimer = undefined;
      if (this.closed) return;
      const client = new Client((this.pool as unknown as { options: object }).options);
      const lost = () => {
        if (this.client !== client) return;
        this.client = undefined;
        onState(false);
        client.end().catch(() => undefined);
        this.schedule(connect);
      };
      client.on('error', lost);
      client.on('end', lost);
      client.on('notification', (message) => {
        if (message.channel === APPENDED_CHANNEL) onHint(parseHint(message.payload));
      });
      try {
        this.client = client;
        await client.connect();
        await client.query(`LISTEN ${APPENDED_CHANNEL}`);
        if (this.closed) {
          await client.end();
          return;
        }
        this.reconnectMs = FIRST_RECONNECT_MS;
        onState(true);
      } catch (error) {
        this.logger.warn(
          `Could not listen for appends (polling meanwhile): ${(error as Error).message}`,
        );
        lost();
      }
    };
    void connect();
  }

  private schedule(connect: () => Promise<void>): void {
    if (this.closed || this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(() => void connect(), this.reconnectMs);
    this.reconnectMs = Math.min(this.reconnectMs * 2, MAX_RECONNECT_MS);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}

function formatHint(position: LogPosition): string {
  return `${position.transactionId}.${position.globalPosition}`;
}

function parseHint(payload: string | undefined): LogPosition | null {
  const match = /^(\d{1,20})\.(\d{1,19})$/.exec(payload ?? '');
  return match ? { transactionId: BigInt(match[1]), globalPosition: BigInt(match[2]) } : null;
}
