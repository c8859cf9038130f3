import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { InvalidPositionError } from '../event-store.errors';
import type { LogPosition } from '../event-store.types';
import { checkpointReached, checkpointStatus, CheckpointStatus } from './checkpoints';

// Polls a checkpoint (a primary-key lookup) quickly at first, then at this pace.
const FIRST_POLL_MS = 5;
const MAX_POLL_MS = 50;

/**
 * Lets a query wait until a projection reflects a command's writes: the command
 * answers with the position of its append, the query passes it back.
 */
@Injectable()
export class ReadYourWrites {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Waits at most `timeoutMs` for the subscription to have done everything up to
   * `position` (`checkpointReached`: its lazily written checkpoint may stay behind
   * events of types it does not handle).
   * Returns whether it did; on false, the caller answers with what it has (stale).
   */
  async waitForPosition(
    subscriptionName: string,
    position: LogPosition,
    timeoutMs: number,
  ): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let pollMs = FIRST_POLL_MS;
    for (;;) {
      if (await checkpointReached(this.dataSource.manager, subscriptionName, position)) {
        return true;
      }
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, left)));
      pollMs = Math.min(pollMs * 2, MAX_POLL_MS);
    }
  }

  /** The subscription's checkpoint and health; null when it has never run. */
  checkpoint(subscriptionName: string): Promise<CheckpointStatus | null> {
    return checkpointStatus(this.dataSource.manager, subscriptionName);
  }
}

// Versioned so that the format can grow (an epoch for restored databases) and old
// tokens still parse or are refused clearly. Only URL-safe characters.
const TOKEN = /^v1\.(0|[1-9][0-9]{0,19})\.(0|[1-9][0-9]{0,18})$/;
const MAX_XID8 = 2n ** 64n - 1n;
const MAX_BIGINT = 2n ** 63n - 1n;

/** A log position as an opaque token for an HTTP answer or a query string. */
export function formatPosition(position: LogPosition): string {
  return `v1.${position.transactionId}.${position.globalPosition}`;
}

/** Reads a token made by `formatPosition`; anything else is an `invalid_position` error. */
export function parsePosition(text: string): LogPosition {
  const match = typeof text === 'string' ? TOKEN.exec(text) : null;
  if (!match) throw new InvalidPositionError(String(text));
  const transactionId = BigInt(match[1]);
  const globalPosition = BigInt(match[2]);
  if (transactionId > MAX_XID8 || globalPosition > MAX_BIGINT) {
    throw new InvalidPositionError(text);
  }
  return { transactionId, globalPosition };
}
