import type { RedisOptions } from 'ioredis';

/** BullMQ connection options from a `redis://` or `rediss://` URL. */
export function redisConnectionOptions(redisUrl: string): RedisOptions {
  const url = new URL(redisUrl);
  const db = url.pathname.replace(/^\//, '');
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : 6379,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: db ? Number(db) : 0,
    tls: url.protocol === 'rediss:' ? {} : undefined,
    // BullMQ's workers block on Redis: commands wait for a reconnect instead of failing.
    maxRetriesPerRequest: null,
  };
}
